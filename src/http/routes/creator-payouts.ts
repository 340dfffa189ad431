import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';
import { payoutStatuses } from '../../domain/payouts/payout-status.js';
import { payoutsCsv } from '../../services/payouts/export-payouts-csv.js';
import { getPayoutStatement } from '../../services/payouts/get-payout-statement.js';
import { listPayoutHistory } from '../../services/payouts/list-payout-history.js';
import { requestPayout } from '../../services/payouts/request-payout.js';
import type { App } from '../app.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import type { Principal } from '../auth/principal.js';
import { attachmentDisposition } from '../content-disposition.js';
import { errorReplySchema } from '../error-handler.js';
import { creatorPayoutResource, toCreatorPayoutResource } from '../resources/creator-payout.js';
import { minorUnits } from '../resources/payment.js';
import { currencySchema } from './platform-payments.js';

/** Whose payouts: a creator only ever their own; an admin the one named, or everybody's. */
function creatorScope(principal: Principal | null, requested: string | undefined): string | undefined {
  if (principal?.role === 'CREATOR') {
    if (requested !== undefined && requested !== principal.creatorId) throw new AppError('FORBIDDEN', 'A creator can only see their own payouts', { kind: 'forbidden' });
    return principal.creatorId!;
  }
  return requested;
}

const requestBody = z.strictObject({
  amount: z.number().describe('Minor units, a positive whole number at least MIN_PAYOUT_AMOUNT_CENTS, e.g. 12600 for 126.00 EUR'),
  currency: currencySchema.optional().describe("Default: the creator's currency"),
});

const statementLine = z.object({
  paymentId: z.string(),
  bookingId: z.string().nullable(),
  paidAt: z.string(),
  grossAmount: z.number().int().describe('What the customer paid, minor units'),
  feeAmount: z.number().int().describe("The platform's fee"),
  netAmount: z.number().int().describe("The creator's share"),
  coveredAmount: z.number().int().describe('The part of the share this payout covers (less than the share when the payment is split)'),
  releasedAt: z.string().nullable().describe('Set when the payout failed or was cancelled and the share went back to the payment'),
});

const totals = z.object({ grossAmount: z.number().int(), feeAmount: z.number().int(), netAmount: z.number().int(), coveredAmount: z.number().int() });

/**
 * The creator's side of payouts (seed 000, DESIGN.md §10, docs/payout-requests.md): request a
 * payout, read the history with a plain-language explanation of every payout not yet paid, a
 * payout's statement, and the CSV export.
 */
export async function creatorPayoutRoutes(app: App): Promise<void> {
  app.post(
    '/api/payouts/request',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('CREATOR'),
      schema: {
        summary: 'Request a payout of (part of) the available balance (seed 000)',
        description:
          'Reserves the amount and covers the oldest READY payments. 201 with the payout: PENDING (waits for an admin in manual mode) or ' +
          'PENDING_APPROVAL when a limit or fraud rule flagged it. 400: PAYOUT_INVALID_AMOUNT, PAYOUT_BELOW_MINIMUM, PAYOUT_STRIPE_NOT_CONNECTED, ' +
          'PAYOUT_PAYOUTS_DISABLED, PAYOUT_REQUEST_ALREADY_OPEN, PAYOUT_INSUFFICIENT_BALANCE, PAYOUT_FUNDS_ON_HOLD. 422: PAYOUT_LIMIT_* (the refused ' +
          "attempt is recorded). Messages are in the creator's language; codes never change.",
        tags: ['creator'],
        body: requestBody,
        response: {
          201: z.object({
            success: z.literal(true),
            message: z.string().describe("In the creator's language, e.g. 'Demande de paiement de 126,00 € créée avec succès'"),
            payout: z.object({ id: z.string(), amount: z.number().int(), currency: z.string(), status: z.enum(payoutStatuses) }),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request, reply) => {
      const { database, config, clock, stripe } = app.deps;
      const principal = request.principal!;
      const { payout, message } = await requestPayout(
        database.db,
        { creatorId: principal.creatorId!, amount: request.body.amount, currency: request.body.currency, actor: principal.actor },
        { config, clock, stripe },
      );
      return reply.code(201).send({ success: true, message, payout: { id: payout.id, amount: minorUnits(payout.amount), currency: payout.currency, status: payout.status } });
    },
  );

  app.get(
    '/api/payouts',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: 'Payout history, newest first: a creator sees their own; an admin all, or one creator’s',
        description: 'Every payout not yet PAID carries an `explanation`: where it stands, why, and what to do.',
        tags: ['creator'],
        querystring: z.object({
          creatorId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().optional(),
        }),
        response: { 200: z.object({ data: z.array(creatorPayoutResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { database, config, clock } = app.deps;
      const creatorId = creatorScope(request.principal, request.query.creatorId);
      const page = await listPayoutHistory(database.db, { creatorId, limit: request.query.limit, cursor: request.query.cursor });
      const now = clock.now();
      return { data: page.data.map((row) => toCreatorPayoutResource(row, { config, now })), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/payouts/export.csv',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: 'Payout history as CSV: a creator their own; an admin all, or one creator’s (?creatorId=)',
        description: 'text/csv, a header row then one row per payout, oldest first; amounts in major units with the currency beside them (docs/payout-requests.md).',
        tags: ['creator'],
        produces: ['text/csv'],
        querystring: z.object({ creatorId: z.string().optional() }),
        // A stream is sent as it is (Fastify serializes no stream): the schema only documents it.
        response: { 200: z.string().describe('CSV (RFC 4180, CRLF), UTF-8'), '4xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const creatorId = creatorScope(request.principal, request.query.creatorId);
      const filename = creatorId ? `payouts-${creatorId}.csv` : 'payouts.csv';
      return reply
        .type('text/csv; charset=utf-8')
        // The creator id is the caller's text: escaped for the header (RFC 6266/5987), never pasted in.
        .header('content-disposition', attachmentDisposition(filename))
        .send(Readable.from(payoutsCsv(app.deps.database.db, { creatorId })) as unknown as string);
    },
  );

  app.get(
    // Only payout ids: other words under /api/payouts/ (update-status, which production does not serve) stay 404s.
    '/api/payouts/:id(^po_[0-9A-Za-z]+$)',
    {
      preValidation: requireRoles('CREATOR', 'ADMIN'),
      schema: {
        summary: 'One payout with the payments it covers, as a statement (gross, fee, net and the part covered, per booking)',
        description: "A creator only sees their own payouts: another creator's is a 404 PAYOUT_NOT_FOUND.",
        tags: ['creator'],
        params: z.object({ id: z.string().max(64) }),
        response: {
          200: z.object({ payout: creatorPayoutResource, statement: z.object({ lines: z.array(statementLine), totals }) }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, config, clock } = app.deps;
      const principal = request.principal!;
      const statement = await getPayoutStatement(database.db, { payoutId: request.params.id, creatorId: principal.role === 'CREATOR' ? principal.creatorId! : undefined });
      return {
        payout: toCreatorPayoutResource(statement, { config, now: clock.now() }),
        statement: {
          lines: statement.lines.map((line) => ({
            paymentId: line.paymentId,
            bookingId: line.bookingId,
            paidAt: line.paidAt.toISOString(),
            grossAmount: minorUnits(line.grossAmount),
            feeAmount: minorUnits(line.feeAmount),
            netAmount: minorUnits(line.netAmount),
            coveredAmount: minorUnits(line.coveredAmount),
            releasedAt: line.releasedAt?.toISOString() ?? null,
          })),
          totals: {
            grossAmount: minorUnits(statement.totals.grossAmount),
            feeAmount: minorUnits(statement.totals.feeAmount),
            netAmount: minorUnits(statement.totals.netAmount),
            coveredAmount: minorUnits(statement.totals.coveredAmount),
          },
        },
      };
    },
  );
}
