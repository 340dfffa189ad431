import type { Db } from '../../db/database.js';
import { isAppError } from '../../domain/errors/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { processPayout, type ProcessPayoutOutcome } from './process-payout.js';

/** At most this many payouts in one bulk request. */
export const MAX_BULK_PAYOUTS = 500;
/** Sagas in flight at once: enough to keep the Stripe gateway's throttle busy, few enough to spare the database pool. */
export const DEFAULT_BULK_CONCURRENCY = 8;

export type BulkPayoutResult =
  | { payoutId: string; ok: true; outcome: ProcessPayoutOutcome; status: string; transferId: string | null; error?: { code: string; message: string } }
  | { payoutId: string; ok: false; error: { code: string; message: string; status?: string } };

export interface BulkPayoutSummary {
  results: BulkPayoutResult[];
  counts: Record<ProcessPayoutOutcome | 'error', number>;
}

/**
 * Process many payouts (`POST /api/admin/payouts/bulk`): each through `processPayout`, a few at
 * a time; the Stripe gateway's request policy keeps the whole run under Stripe's rate limit and
 * waits out any 429. One payout's refusal (not PENDING, no connected account…) does not stop
 * the others: every payout gets its own result, in the order given. Duplicated ids are processed once.
 */
export async function processPayoutsInBulk(
  db: Db,
  input: { payoutIds: string[]; actor: Actor; notes?: string | null },
  context: ServiceContext,
  options: { concurrency?: number } = {},
): Promise<BulkPayoutSummary> {
  const ids = [...new Set(input.payoutIds)];
  const byId = new Map<string, BulkPayoutResult>();
  await runWithConcurrency(ids, options.concurrency ?? DEFAULT_BULK_CONCURRENCY, async (payoutId) => {
    try {
      const result = await processPayout(db, { payoutId, actor: input.actor, notes: input.notes ?? null }, context);
      byId.set(payoutId, {
        payoutId,
        ok: true,
        outcome: result.outcome,
        status: result.payout.status,
        transferId: result.payout.stripeTransferId,
        ...(result.error ? { error: result.error } : {}),
      });
    } catch (error) {
      if (!isAppError(error) || error.kind === 'internal') {
        // Our own failure mid-saga: the payout keeps its lease and the retry sweep repairs it; the others go on.
        byId.set(payoutId, { payoutId, ok: false, error: { code: 'INTERNAL_ERROR', message: 'Processing stopped on an internal error; the retry sweep will complete it' } });
        return;
      }
      const status = typeof error.details?.status === 'string' ? error.details.status : undefined;
      byId.set(payoutId, { payoutId, ok: false, error: { code: error.code, message: error.message, ...(status ? { status } : {}) } });
    }
  });
  const results = ids.map((id) => byId.get(id)!);
  const counts: BulkPayoutSummary['counts'] = { paid: 0, processing: 0, retry_scheduled: 0, failed: 0, error: 0 };
  for (const r of results) counts[r.ok ? r.outcome : 'error'] += 1;
  return { results, counts };
}

/** Run `work` over `items` with at most `concurrency` running at once (a p-limit of our own). */
async function runWithConcurrency<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}
