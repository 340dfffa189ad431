import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';
import { getCreatorBalance, listPayments, PAYMENT_LIST_LIMIT, paymentListOrders } from '../../services/balances/get-creator-balance.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import type { Principal } from '../auth/principal.js';
import { errorReplySchema } from '../error-handler.js';
import { creatorPayoutResource, toCreatorPayoutResource } from '../resources/creator-payout.js';
import { minorUnits, paymentResource, toPaymentResource } from '../resources/payment.js';
import { paymentStatuses } from '../../db/schema/index.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';

/**
 * A payment as its creator's lists show it: with how much of their share is already in payouts,
 * and what is left of it, so that a payment split across payouts shows the part still to come
 * and the ready payments add up to the available balance.
 */
const creatorPaymentResource = paymentResource.extend({
  allocatedAmount: z.number().int().describe("The part of the creator's share in payouts that have not failed, minor units"),
  remainingAmount: z.number().int().describe("The creator's share after refunds less `allocatedAmount`: what is still to be paid out, minor units"),
});

function toCreatorPaymentResource(payment: Parameters<typeof toPaymentResource>[0], now: Date): z.infer<typeof creatorPaymentResource> {
  const remaining = creatorNetShare(payment, payment.refundedAmount) - payment.allocatedAmount;
  return { ...toPaymentResource(payment, now), allocatedAmount: minorUnits(payment.allocatedAmount), remainingAmount: minorUnits(remaining > 0n ? remaining : 0n) };
}

/** A creator reads their own data; an admin names the creator. Nobody else reads it. */
function creatorIdFor(principal: Principal | null, requested: string | undefined): string {
  if (principal?.role === 'CREATOR') {
    if (requested && requested !== principal.creatorId) throw new AppError('FORBIDDEN', 'A creator can only see their own data', { kind: 'forbidden' });
    return principal.creatorId!;
  }
  if (!requested) throw new AppError('CREATOR_ID_REQUIRED', 'Name the creator with ?creatorId=', { details: { param: 'creatorId' } });
  return requested;
}

export async function creatorBalanceRoutes(app: App): Promise<void> {
  app.get(
    '/api/payouts/request',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: "A creator's balances and the payments behind them (seed 000)",
        tags: ['creator'],
        querystring: z.object({ creatorId: z.string().optional(), currency: z.string().regex(/^[a-zA-Z]{3}$/).optional() }),
        response: {
          200: z.object({
            availableBalance: z.number().int(),
            pendingBalance: z.number().int().describe('Held: still in the holding period'),
            reservedBalance: z.number().int(),
            frozenBalance: z.number().int(),
            debtBalance: z.number().int().describe('Owed by the creator after a clawback'),
            debt: z.number().int().describe('What the creator owes (refunds or lost disputes of money already paid out); repaid first from new earnings'),
            recoveries: z
              .array(z.object({ amount: z.number().int(), via: z.enum(['earnings', 'transfer_reversal', 'dispute_won', 'other']), description: z.string().nullable(), at: z.string() }))
              .describe('How the debt was paid down, newest first'),
            totalPaid: z.number().int(),
            currency: z.string(),
            stripeConnected: z.boolean(),
            payments: z
              .object({ ready: z.array(creatorPaymentResource), held: z.array(creatorPaymentResource), paid: z.array(creatorPaymentResource) })
              .describe(
                `At most ${PAYMENT_LIST_LIMIT} of each: ready oldest release first, held soonest release first, paid newest first. The rest: ` +
                  'GET /api/payments?status=READY|HELD&order=release_asc, ?status=PAID&order=updated_desc',
              ),
            paymentCounts: z
              .object({ ready: z.number().int(), held: z.number().int(), paid: z.number().int() })
              .describe('How many payments of each status there are in this currency (the lists above stop at ' + PAYMENT_LIST_LIMIT + ')'),
            pendingPayoutRequests: z.array(creatorPayoutResource).describe('Open payouts in this currency (PENDING_APPROVAL, PENDING, PROCESSING), with their explanation'),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const creatorId = creatorIdFor(request.principal, request.query.creatorId);
      const balance = await getCreatorBalance(app.deps.database.db, { creatorId, currency: request.query.currency });
      const now = app.deps.clock.now();
      const resources = (list: typeof balance.payments.ready) => list.map((p) => toCreatorPaymentResource(p, now));
      return {
        availableBalance: minorUnits(balance.availableBalance),
        pendingBalance: minorUnits(balance.pendingBalance),
        reservedBalance: minorUnits(balance.reservedBalance),
        frozenBalance: minorUnits(balance.frozenBalance),
        debtBalance: minorUnits(balance.debtBalance),
        debt: minorUnits(balance.debt),
        recoveries: balance.recoveries.map((r) => ({ amount: minorUnits(r.amount), via: r.via, description: r.description, at: r.at.toISOString() })),
        totalPaid: minorUnits(balance.totalPaid),
        currency: balance.currency,
        stripeConnected: balance.stripeConnected,
        payments: { ready: resources(balance.payments.ready), held: resources(balance.payments.held), paid: resources(balance.payments.paid) },
        paymentCounts: balance.paymentCounts,
        pendingPayoutRequests: balance.pendingPayoutRequests.map((payout) =>
          toCreatorPayoutResource({ payout, creatorLocale: balance.creatorLocale, creatorPayoutMode: balance.creatorPayoutMode }, { config: app.deps.config, now }),
        ),
      };
    },
  );

  app.get(
    '/api/payments',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: 'Payments, newest first by default: a creator sees their own; an admin all, or one creator’s',
        description:
          '`order`: `created_desc` (default, newest first), `release_asc` (soonest release first: with status READY or HELD it continues the lists of ' +
          'GET /api/payouts/request), `updated_desc` (most recently changed first: with status PAID, newest paid first). A cursor is only valid with the ' +
          'order that returned it (400 INVALID_CURSOR otherwise).',
        tags: ['creator'],
        querystring: z.object({
          creatorId: z.string().optional(),
          status: z.enum(paymentStatuses).optional(),
          currency: z.string().regex(/^[a-zA-Z]{3}$/).optional(),
          order: z.enum(paymentListOrders).default('created_desc'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().optional(),
        }),
        response: { 200: z.object({ data: z.array(creatorPaymentResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { principal } = request;
      const creatorId = principal?.role === 'CREATOR' ? creatorIdFor(principal, request.query.creatorId) : request.query.creatorId;
      const { status, currency, order, limit, cursor } = request.query;
      const page = await listPayments(app.deps.database.db, { creatorId, status, currency, order, limit, cursor });
      const now = app.deps.clock.now();
      return { data: page.data.map((p) => toCreatorPaymentResource(p, now)), nextCursor: page.nextCursor };
    },
  );
}
