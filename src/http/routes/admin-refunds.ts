import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';
import { clawbackByTransferReversal } from '../../services/refunds/clawback.js';
import { refundPayment } from '../../services/refunds/refund-payment.js';
import type { App } from '../app.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { minorUnits, paymentResource, toPaymentResource } from '../resources/payment.js';
import { positiveMinorUnitsSchema as positiveMinor } from './platform-payments.js';

/** Refunds and clawbacks started by an admin (docs/refunds-and-disputes.md). */
export async function adminRefundRoutes(app: App): Promise<void> {
  app.post(
    '/api/admin/payments/:id/refund',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Refund all or part of a payment through Stripe; the books change once, whether this call or the charge.refunded webhook is seen first',
        tags: ['admin'],
        params: z.object({ id: z.string() }),
        body: z
          .object({
            amount: positiveMinor.optional().describe('Minor units; default: all that is not refunded yet'),
            reason: z.string().min(1).max(500),
            requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().describe('Send the same value to repeat a request safely (the Stripe idempotency key)'),
          })
          .strict(),
        response: {
          200: z.object({
            payment: paymentResource,
            refund: z.object({
              id: z.string(),
              amount: z.number().int(),
              currency: z.string(),
              creatorPart: z.number().int(),
              feePart: z.number().int(),
              fromHeld: z.number().int(),
              fromAvailable: z.number().int(),
              toReceivable: z.number().int().describe("The creator's debt this refund made"),
              appliedBy: z.enum(['webhook', 'admin']),
            }),
            requestId: z.string(),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, clock, stripe, config } = app.deps;
      const { result, requestId } = await refundPayment(
        database.db,
        { paymentId: request.params.id, amount: request.body.amount === undefined ? undefined : BigInt(request.body.amount), reason: request.body.reason, requestId: request.body.requestId, actor: request.principal!.actor },
        { config, clock, stripe },
      );
      if (result.outcome === 'already_refunded') return replyAlreadyRefunded();
      const { refund, payment } = result;
      return {
        payment: toPaymentResource(payment, clock.now()),
        refund: {
          id: refund.id,
          amount: minorUnits(refund.amount),
          currency: refund.currency,
          creatorPart: minorUnits(refund.creatorPart),
          feePart: minorUnits(refund.feePart),
          fromHeld: minorUnits(refund.fromHeld),
          fromAvailable: minorUnits(refund.fromAvailable),
          toReceivable: minorUnits(refund.toReceivable),
          appliedBy: refund.source,
        },
        requestId,
      };
    },
  );

  app.post(
    '/api/admin/creators/:id/clawback',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: "Recover a creator's debt by reversing (part of) the transfer of their latest paid payout",
        tags: ['admin'],
        params: z.object({ id: z.string() }),
        body: z.object({ amount: positiveMinor.optional().describe('Minor units; default: the whole debt'), reason: z.string().min(1).max(500) }).strict(),
        response: {
          200: z.object({
            clawback: z.object({ id: z.string(), payoutId: z.string(), transferId: z.string(), reversalId: z.string(), amount: z.number().int(), currency: z.string(), reason: z.string(), createdAt: z.string() }),
            debt: z.number().int().describe('What the creator still owes'),
            duplicate: z.boolean(),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, clock, stripe, config } = app.deps;
      const { clawback, duplicate, debtLeft } = await clawbackByTransferReversal(
        database.db,
        { creatorId: request.params.id, amount: request.body.amount === undefined ? undefined : BigInt(request.body.amount), reason: request.body.reason, actor: request.principal!.actor },
        { config, clock, stripe },
      );
      return {
        clawback: {
          id: clawback.id,
          payoutId: clawback.payoutId,
          transferId: clawback.stripeTransferId,
          reversalId: clawback.stripeReversalId,
          amount: minorUnits(clawback.amount),
          currency: clawback.currency,
          reason: clawback.reason,
          createdAt: clawback.createdAt.toISOString(),
        },
        debt: minorUnits(debtLeft),
        duplicate,
      };
    },
  );
}

/** refundPayment refuses a REFUNDED payment before calling Stripe: only a race with the booking-failed path gets here. */
function replyAlreadyRefunded(): never {
  throw new AppError('PAYMENT_NOT_REFUNDABLE', 'The payment was refunded in full by the booking-failed path meanwhile', { kind: 'conflict' });
}
