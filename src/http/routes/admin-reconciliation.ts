import { z } from 'zod';
import { reconciliationClasses, reconciliationKinds } from '../../domain/reconciliation/reconciliation-item.js';
import {
  acceptReconciliationItem,
  getReconciliationRun,
  listReconciliationItems,
  listReconciliationRuns,
  MAX_ACCEPT_NOTE_LENGTH,
} from '../../services/reconciliation/manage-reconciliation.js';
import { reconcileWithStripe, type ReconciliationItem, type ReconciliationRun } from '../../services/reconciliation/reconcile-with-stripe.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

const counts = z.object({ matched: z.number().int(), expected: z.number().int(), mismatched: z.number().int(), missing_here: z.number().int(), missing_at_stripe: z.number().int() });

export const reconciliationRunResource = z.object({
  id: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  startedBy: z.string(),
  periodStart: z.string().describe('Stripe objects created at or after this instant …'),
  periodEnd: z.string().describe('… and before this one'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: counts.describe('Items per class'),
  differences: z.number().int().describe('mismatched + missing_here + missing_at_stripe'),
  acceptedCount: z.number().int().describe('Differences an admin had accepted in an earlier run, found again and not alerted'),
  stripeObjects: z.number().int(),
  stripeRequests: z.number().int(),
  alertsOpened: z.number().int(),
  error: z.string().nullable(),
});

export const reconciliationItemResource = z.object({
  id: z.string(),
  runId: z.string(),
  kind: z.enum(reconciliationKinds),
  class: z.enum(reconciliationClasses),
  stripeId: z.string().nullable(),
  localType: z.string().nullable().describe('payout, clawback, payment, refund or dispute'),
  localId: z.string().nullable(),
  currency: z.string().nullable(),
  stripeAmount: z.string().nullable().describe('Minor units, as a string'),
  localAmount: z.string().nullable().describe('Minor units, as a string'),
  stripeStatus: z.string().nullable(),
  localStatus: z.string().nullable(),
  matchedBy: z.enum(['id', 'metadata', 'amount']).nullable(),
  differences: z.array(z.string()).describe('amount, currency, destination, status, id'),
  summary: z.string(),
  occurredAt: z.string(),
  acceptedAt: z.string().nullable(),
  acceptedBy: z.string().nullable(),
  acceptNote: z.string().nullable(),
  alertId: z.string().nullable(),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;
const minor = (amount: bigint | null) => (amount === null ? null : String(amount));

export function toRunResource(run: ReconciliationRun): z.infer<typeof reconciliationRunResource> {
  return {
    id: String(run.id),
    status: run.status,
    startedBy: run.startedBy,
    periodStart: run.periodStart.toISOString(),
    periodEnd: run.periodEnd.toISOString(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    counts: run.counts,
    differences: run.counts.mismatched + run.counts.missing_here + run.counts.missing_at_stripe,
    acceptedCount: run.acceptedCount,
    stripeObjects: run.stripeObjects,
    stripeRequests: run.stripeRequests,
    alertsOpened: run.alertsOpened,
    error: run.error,
  };
}

function toItemResource(item: ReconciliationItem): z.infer<typeof reconciliationItemResource> {
  return {
    id: String(item.id),
    runId: String(item.runId),
    kind: item.kind,
    class: item.class,
    stripeId: item.stripeId,
    localType: item.localType,
    localId: item.localId,
    currency: item.currency?.trim() ?? null,
    stripeAmount: minor(item.stripeAmount),
    localAmount: minor(item.localAmount),
    stripeStatus: item.stripeStatus,
    localStatus: item.localStatus,
    matchedBy: item.matchedBy,
    differences: item.differences,
    summary: item.summary,
    occurredAt: item.occurredAt.toISOString(),
    acceptedAt: iso(item.acceptedAt),
    acceptedBy: item.acceptedBy,
    acceptNote: item.acceptNote,
    alertId: item.alertId === null ? null : String(item.alertId),
  };
}

const idParams = z.strictObject({ id: z.string().min(1).max(40) });
const tags = ['admin', 'reconciliation'];

/** Reconciliation with Stripe for admins (issue 14 §4, docs/reconciliation.md). */
export async function adminReconciliationRoutes(app: App): Promise<void> {
  const { database } = app.deps;

  app.get(
    '/api/admin/reconciliation/runs',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Reconciliation runs, newest first',
        tags,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().min(1).max(200).optional() }),
        response: { 200: z.object({ data: z.array(reconciliationRunResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listReconciliationRuns(database.db, request.query);
      return { data: page.data.map(toRunResource), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/admin/reconciliation/runs',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Reconcile a period with Stripe now',
        description:
          'Runs to the end and answers with the run (default period: the last two days). 409 RECONCILIATION_RUNNING while another run is going; 400 RECONCILIATION_PERIOD_INVALID when `since` is not before `until`. The daily job and `POST /api/cron/reconcile` do the same.',
        tags,
        body: z.strictObject({ since: z.iso.datetime({ offset: true }).optional(), until: z.iso.datetime({ offset: true }).optional() }).default({}),
        response: { 201: reconciliationRunResource, '4xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const { since, until } = request.body;
      const run = await reconcileWithStripe(database.db, app.deps, {
        actor: request.principal!.actor,
        since: since === undefined ? undefined : new Date(since),
        until: until === undefined ? undefined : new Date(until),
      });
      return reply.code(201).send(toRunResource(run));
    },
  );

  app.get(
    '/api/admin/reconciliation/runs/:id',
    {
      preValidation: requireRoles('ADMIN'),
      schema: { summary: 'One reconciliation run', tags, params: idParams, response: { 200: reconciliationRunResource, '4xx': errorReplySchema } },
    },
    async (request) => toRunResource(await getReconciliationRun(database.db, request.params.id)),
  );

  app.get(
    '/api/admin/reconciliation/runs/:id/items',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: "A run's items, filtered by class",
        description: '`?class=mismatched|missing_here|missing_at_stripe|expected|matched`; `?open=true` for differences nobody has accepted. Pages with `nextCursor`.',
        tags,
        params: idParams,
        querystring: z.strictObject({
          class: z.enum(reconciliationClasses).optional(),
          open: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().min(1).max(200).optional(),
        }),
        response: { 200: z.object({ data: z.array(reconciliationItemResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const page = await listReconciliationItems(database.db, { runId: request.params.id, ...request.query, open: request.query.open === 'true' });
      return { data: page.data.map(toItemResource), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/admin/reconciliation/items/:id/accept',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Accept a difference with a note',
        description: `Closes the item and resolves its alert; later runs that find the same difference carry the acceptance. \`note\` is required (400 RECONCILIATION_NOTE_REQUIRED, at most ${MAX_ACCEPT_NOTE_LENGTH} characters). 409 RECONCILIATION_ITEM_ALREADY_ACCEPTED (two admins at once: one wins) or RECONCILIATION_ITEM_NOT_A_DIFFERENCE. Audited (\`reconciliation_item.accepted\`).`,
        tags,
        params: idParams,
        body: z.strictObject({ note: z.string().max(10_000).optional() }),
        response: { 200: reconciliationItemResource, '4xx': errorReplySchema },
      },
    },
    async (request) => toItemResource(await acceptReconciliationItem(database.db, { id: request.params.id, actor: request.principal!.actor, note: request.body.note ?? '' }, app.deps)),
  );
}
