import { z } from 'zod';
import { AppError } from '../../domain/errors/index.js';
import { formatMoney, money } from '../../domain/money/index.js';
import { payoutStatuses } from '../../domain/payouts/payout-status.js';
import type { Payout } from '../../services/payouts/create-payout.js';
import { listPayoutsForAdmin, type AdminPayoutRow } from '../../services/payouts/list-payouts-for-admin.js';
import { summarizePayoutsForAdmin } from '../../services/payouts/summarize-payouts-for-admin.js';
import { processPayout, type ProcessPayoutResult } from '../../services/payouts/process-payout.js';
import { MAX_BULK_PAYOUTS, processPayoutsInBulk } from '../../services/payouts/process-payouts-in-bulk.js';
import { reviewPayout } from '../../services/payouts/review-payout.js';
import type { App } from '../app.js';
import { requestLocale } from '../request-locale.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import type { Config } from '../../config/config.js';
import { stripeDashboardUrl } from '../resources/stripe-dashboard-url.js';
import { minorUnits } from '../resources/payment.js';
import { payoutsByStatusResource, toPayoutsByStatus } from '../resources/payout-totals.js';

const outcomes = ['paid', 'processing', 'retry_scheduled', 'failed'] as const;

/** One payout in the admin queue: seed 000's fields, plus the approval and retry state. */
export const adminPayoutResource = z.object({
  id: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  creatorEmail: z.string(),
  stripeAccountId: z.string().nullable().describe("The connected account it goes (or went) to: the payout's once processing started, else the creator's"),
  stripeDashboardUrl: z.string().nullable().describe("That account in Stripe's dashboard; null with the local sandbox"),
  requestedAmount: z.number().int().describe('Minor units'),
  currency: z.string().describe('Lower-case ISO 4217'),
  availableBalance: z.number().int().describe("The creator's available balance in this currency now (ledger), minor units"),
  status: z.enum(payoutStatuses),
  origin: z.string().describe('request, automatic or scheduled'),
  requestedAt: z.string(),
  approvalReason: z.string().nullable().describe('Why it waits for approval (limit and fraud rules)'),
  flags: z.array(z.string()),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNotes: z.string().nullable(),
  failedAttempts: z.number().int(),
  nextRetryAt: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  failureReason: z.string().nullable(),
  transferId: z.string().nullable(),
  bankPayoutId: z.string().nullable(),
  processedBy: z.string().nullable(),
  processedAt: z.string().nullable().describe('When processing started'),
  completedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
});

/** One currency's payouts by status: the summary cards (seed 000: pending, processing, completed). */
export const adminPayoutTotalsResource = z.object({ currency: z.string().describe('Lower-case ISO 4217'), byStatus: payoutsByStatusResource });

/** A date (`2026-03-01`, a whole UTC day) or an instant with its offset (`2026-03-01T09:30:00+01:00`). */
const dateOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** The instant a `from` or `to` filter names: a date's UTC midnight; for `to`, the end of that day (the day is included). */
function boundary(value: string | undefined, side: 'from' | 'to'): Date | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const midnight = new Date(`${value}T00:00:00Z`);
    return side === 'from' ? midnight : new Date(midnight.getTime() + 86_400_000);
  }
  return new Date(value);
}

/** Seed 000's `payout` in the process reply. */
const processedPayoutResource = z.object({
  id: z.string(),
  amount: z.number().int().describe('Minor units'),
  currency: z.string(),
  stripeTransferId: z.string().nullable(),
  status: z.enum(payoutStatuses),
  nextRetryAt: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toAdminPayout(row: AdminPayoutRow, config: Pick<Config, 'stripe'>): z.infer<typeof adminPayoutResource> {
  const { payout } = row;
  const stripeAccountId = payout.stripeAccountId ?? row.creatorStripeAccountId;
  return {
    id: payout.id,
    creatorId: payout.creatorId,
    creatorName: row.creatorName,
    creatorEmail: row.creatorEmail,
    stripeAccountId,
    stripeDashboardUrl: stripeDashboardUrl(config, stripeAccountId),
    requestedAmount: minorUnits(payout.amount),
    currency: payout.currency,
    availableBalance: minorUnits(row.availableBalance),
    status: payout.status,
    origin: payout.origin,
    requestedAt: payout.requestedAt.toISOString(),
    approvalReason: payout.approvalReason,
    flags: payout.flags,
    reviewedBy: payout.reviewedBy,
    reviewedAt: iso(payout.reviewedAt),
    reviewNotes: payout.reviewNotes,
    failedAttempts: payout.failedAttempts,
    nextRetryAt: iso(payout.nextRetryAt),
    lastErrorCode: payout.lastErrorCode,
    failureReason: payout.failureReason,
    transferId: payout.stripeTransferId,
    bankPayoutId: payout.stripeBankPayoutId,
    processedBy: payout.processedBy,
    processedAt: iso(payout.processingStartedAt),
    completedAt: iso(payout.completedAt),
    failedAt: iso(payout.failedAt),
  };
}

function toProcessedPayout(payout: Payout): z.infer<typeof processedPayoutResource> {
  return {
    id: payout.id,
    amount: minorUnits(payout.amount),
    currency: payout.currency,
    stripeTransferId: payout.stripeTransferId,
    status: payout.status,
    nextRetryAt: iso(payout.nextRetryAt),
    lastErrorCode: payout.lastErrorCode,
  };
}

/** Seed 000: "Paiement de 126,00 € transféré avec succès". */
function processMessage(result: ProcessPayoutResult, locale: 'fr' | 'en'): string {
  const amount = formatMoney(money(result.payout.amount, result.payout.currency), locale);
  const error = result.error ? ` (${result.error.code})` : '';
  const retryAt = result.payout.nextRetryAt?.toISOString() ?? '';
  const fr = locale === 'fr';
  switch (result.outcome) {
    case 'paid':
      return fr ? `Paiement de ${amount} transféré avec succès` : `Payout of ${amount} transferred successfully`;
    case 'processing':
      return fr ? `Paiement de ${amount} en cours de traitement${error}` : `Payout of ${amount} is being processed${error}`;
    case 'retry_scheduled':
      return fr ? `Le transfert de ${amount} a échoué${error} ; nouvel essai à ${retryAt}` : `The transfer of ${amount} failed${error}; it will be retried at ${retryAt}`;
    case 'failed':
      return fr ? `Le transfert de ${amount} a échoué${error} ; le solde a été rendu au créateur` : `The transfer of ${amount} failed${error}; the balance went back to the creator`;
  }
}

/**
 * Admin payout routes (docs/payout-processing.md): the queue, processing one payout (seed 000),
 * many (bulk), and approving or rejecting (seed 002 §7).
 */
export async function adminPayoutRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/payouts',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Payouts with the creator and their available balance, filtered by status, creator and request dates, with totals (seed 000, seed 002 §7)',
        description:
          'Ordered by request time: `order=asc` oldest first, `desc` newest first; default oldest first for the queues that wait for an admin ' +
          '(`status=PENDING_APPROVAL`, the approval queue, and `status=PENDING`), newest first otherwise. `from` / `to`: a date (a whole UTC day, ' +
          '`to` included) or an ISO 8601 instant with its offset (`from` included, `to` excluded). `summary`: counts and amounts by status per currency ' +
          '(the default currency first, always present) under the creator and date filters but not the status one, for the summary cards. ' +
          'A cursor is only valid with the filters and order that returned it. 400 INVALID_CURSOR, 400 VALIDATION_ERROR.',
        tags: ['admin', 'payouts'],
        querystring: z.strictObject({
          status: z.enum(payoutStatuses).optional(),
          creatorId: z.string().min(1).max(100).optional(),
          from: dateOrInstant.optional().describe('Requested at or after: 2026-03-01 or 2026-03-01T09:30:00Z'),
          to: dateOrInstant.optional().describe('Requested before (a date: up to the end of that UTC day)'),
          order: z.enum(['asc', 'desc']).optional().describe('By request time; default asc for PENDING_APPROVAL and PENDING, else desc'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(500).optional(),
        }),
        response: {
          200: z.object({ data: z.array(adminPayoutResource), nextCursor: z.string().nullable(), summary: z.array(adminPayoutTotalsResource) }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, config } = app.deps;
      const { from, to, ...query } = request.query;
      const filters = { ...query, from: boundary(from, 'from'), to: boundary(to, 'to') };
      if (filters.from && filters.to && filters.from >= filters.to) {
        throw new AppError('PAYOUT_FILTER_PERIOD_INVALID', `"from" (${from}) must come before "to" (${to}): no payout can be requested in that period`, { details: { param: 'from' } });
      }
      const [page, summary] = await Promise.all([
        listPayoutsForAdmin(database.db, filters),
        summarizePayoutsForAdmin(database.db, { creatorId: filters.creatorId, from: filters.from, to: filters.to, defaultCurrency: config.defaultCurrency }),
      ]);
      return { data: page.data.map((row) => toAdminPayout(row, config)), nextCursor: page.nextCursor, summary: summary.map((totals) => ({ currency: totals.currency, byStatus: toPayoutsByStatus(totals.byStatus) })) };
    },
  );

  app.post(
    '/api/admin/payouts',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Process a PENDING payout: transfer it to the creator\'s connected account (seed 000)',
        description:
          '`success` is true when the transfer was made (`PAID`, or `PROCESSING` while the bank payout runs). A Stripe failure answers 200 with `success: false`: ' +
          'retried later (`retry_scheduled`, see `payout.nextRetryAt`) or failed for good (`failed`, the reservation released). ' +
          '409 PAYOUT_NOT_PROCESSABLE when the payout is not PENDING (e.g. a second click: it is already PROCESSING or PAID); ' +
          '400 PAYOUT_STRIPE_NOT_CONNECTED when the creator cannot receive payouts (it stays PENDING).',
        tags: ['admin', 'payouts'],
        body: z.strictObject({ payoutId: z.string().min(1).max(100), notes: z.string().max(1000).optional() }),
        response: {
          200: z.object({ success: z.boolean(), message: z.string(), outcome: z.enum(outcomes), transferId: z.string().optional(), payout: processedPayoutResource }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const result = await processPayout(app.deps.database.db, { payoutId: request.body.payoutId, actor: request.principal!.actor, notes: request.body.notes ?? null }, app.deps);
      return {
        success: result.outcome === 'paid' || result.outcome === 'processing',
        message: processMessage(result, requestLocale(request)),
        outcome: result.outcome,
        ...(result.transferId ? { transferId: result.transferId } : {}),
        payout: toProcessedPayout(result.payout),
      };
    },
  );

  app.post(
    '/api/admin/payouts/bulk',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: `Process up to ${MAX_BULK_PAYOUTS} payouts, throttled under Stripe's rate limit, with a result per payout`,
        description:
          'Each payout goes through the same saga as `POST /api/admin/payouts`. `results` follows the order of `payoutIds` (duplicates once): ' +
          '`ok: true` with the `outcome`, or `ok: false` with the error (e.g. PAYOUT_NOT_PROCESSABLE and the current status).',
        tags: ['admin', 'payouts'],
        body: z.strictObject({ payoutIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_BULK_PAYOUTS), notes: z.string().max(1000).optional() }),
        response: {
          200: z.object({
            success: z.boolean(),
            message: z.string(),
            counts: z.object({ paid: z.number().int(), processing: z.number().int(), retry_scheduled: z.number().int(), failed: z.number().int(), error: z.number().int() }),
            results: z.array(
              z.object({
                payoutId: z.string(),
                ok: z.boolean(),
                outcome: z.enum(outcomes).optional(),
                status: z.string().optional(),
                transferId: z.string().nullable().optional(),
                error: z.object({ code: z.string(), message: z.string(), status: z.string().optional() }).optional(),
              }),
            ),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const summary = await processPayoutsInBulk(app.deps.database.db, { payoutIds: request.body.payoutIds, actor: request.principal!.actor, notes: request.body.notes ?? null }, app.deps);
      const { counts } = summary;
      return {
        success: counts.error === 0 && counts.failed === 0 && counts.retry_scheduled === 0,
        message: `Processed ${summary.results.length} payouts: ${counts.paid} paid, ${counts.processing} processing, ${counts.retry_scheduled} retry scheduled, ${counts.failed} failed, ${counts.error} refused`,
        counts,
        results: summary.results,
      };
    },
  );

  app.post(
    '/api/admin/payout-approval',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Approve (then process at once) or reject a payout waiting for approval (seed 002 §7)',
        description:
          '`approvalId` (seed 002: `approval_<payoutId>`) is accepted instead of `payoutId`. Reject needs `notes` (400 PAYOUT_REASON_REQUIRED): the payout is CANCELLED, ' +
          'the reservation released and the creator told. Approve: PENDING_APPROVAL → PENDING, then processed; a payout already reviewed answers 409 PAYOUT_NOT_REVIEWABLE.',
        tags: ['admin', 'payouts'],
        body: z
          .strictObject({
            payoutId: z.string().min(1).max(100).optional(),
            approvalId: z.string().min(1).max(110).optional(),
            action: z.enum(['approve', 'reject']),
            notes: z.string().max(1000).optional(),
          })
          .refine((body) => body.payoutId !== undefined || body.approvalId !== undefined, { message: 'payoutId (or approvalId) is required', path: ['payoutId'] }),
        response: {
          200: z.object({
            success: z.boolean(),
            message: z.string(),
            transferId: z.string().optional(),
            outcome: z.enum(outcomes).optional(),
            processingError: z.object({ code: z.string(), message: z.string() }).optional(),
            payout: processedPayoutResource,
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { body } = request;
      const payoutId = body.payoutId ?? body.approvalId!.replace(/^approval_/, '');
      const result = await reviewPayout(app.deps.database.db, { payoutId, action: body.action, notes: body.notes ?? null, actor: request.principal!.actor }, app.deps);
      if (result.action === 'reject') return { success: true, message: 'Payout rejected successfully', payout: toProcessedPayout(result.payout) };
      if ('processingError' in result) {
        return { success: true, message: `Payout approved; it could not be processed yet: ${result.processingError.message}`, processingError: result.processingError, payout: toProcessedPayout(result.payout) };
      }
      const { processing } = result;
      return {
        success: processing.outcome === 'paid' || processing.outcome === 'processing',
        message: processing.outcome === 'paid' || processing.outcome === 'processing' ? 'Payout approved and processed successfully' : `Payout approved; ${processMessage(processing, 'en')}`,
        outcome: processing.outcome,
        ...(processing.transferId ? { transferId: processing.transferId } : {}),
        payout: toProcessedPayout(processing.payout),
      };
    },
  );
}
