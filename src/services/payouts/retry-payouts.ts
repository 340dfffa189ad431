import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { payouts } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { continuePayoutSaga, DEFAULT_PAYOUT_LEASE_SECONDS, type ProcessPayoutOutcome } from './process-payout.js';
import { alertAutomaticTransfersFailed } from './run-automatic-payouts.js';

export interface RetryPayoutsOptions {
  actor: string;
  /** Payouts claimed in one run (default 100). */
  limit?: number;
  leaseSeconds?: number;
}

export interface RetryPayoutsResult {
  claimed: number;
  paid: number;
  processing: number;
  retryScheduled: number;
  failed: number;
  /** Payouts the run could not move on (an unexpected error): their new lease ends, and the next run tries again. */
  errors: number;
  payoutIds: string[];
  /** Automatic payouts failed for good that this run reported to the admins in one `alert.automatic_transfers_failed`. */
  alertedPayoutIds: string[];
}

/**
 * The retry and repair sweep (job `retry-payouts`, every minute; docs/payout-processing.md).
 * Claims PROCESSING payouts with `FOR UPDATE SKIP LOCKED` — so several instances share the work
 * and never run one payout twice — giving each a fresh lease:
 *
 * - a retry that is due (`nextRetryAt` passed) after a recorded retryable failure;
 * - a lease that expired with no transfer recorded: the process died between "PROCESSING" and
 *   "transfer recorded" (or never heard Stripe's answer);
 * - a transfer recorded but no bank payout yet, where the service drives bank payouts.
 *
 * and continues the saga, **looking Stripe up first** (the transfer by its transfer group, the
 * bank payout by metadata): a transfer made before the crash — even more than 24 h ago, when
 * Stripe no longer remembers the idempotency key — is recorded rather than made again. Only
 * when Stripe has none is the transfer created, with the key for the payout's attempt number.
 *
 * Each failed retry tells the creator (`payout.retrying`, or `payout.failed` when it was the
 * last); the automatic payouts whose retries this run exhausted are reported to the admins in
 * one summary at the end (`alertAutomaticTransfersFailed`), other payouts' one alert each.
 */
export async function retryPayouts(db: Db, context: ServiceContext, options: RetryPayoutsOptions): Promise<RetryPayoutsResult> {
  const now = context.clock.now();
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_PAYOUT_LEASE_SECONDS;
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
  const graceStart = new Date(now.getTime() - leaseSeconds * 1000);
  const nowIso = now.toISOString();

  const due = sql`select id from ${payouts}
    where status = 'PROCESSING' and (
      next_retry_at <= ${nowIso}::timestamptz
      or (next_retry_at is null and stripe_transfer_id is null and (lease_until is null or lease_until <= ${nowIso}::timestamptz))
      or (next_retry_at is null and awaits_bank_payout and stripe_transfer_id is not null and stripe_bank_payout_id is null
          and (lease_until <= ${nowIso}::timestamptz or (lease_until is null and transferred_at <= ${graceStart.toISOString()}::timestamptz)))
    )
    order by coalesce(next_retry_at, lease_until, transferred_at), id
    limit ${options.limit ?? 100}
    for update skip locked`;
  const claimed = await db
    .update(payouts)
    .set({ leaseUntil, nextRetryAt: null, updatedAt: now })
    .where(sql`${payouts.id} in (${due})`)
    .returning();

  const result: RetryPayoutsResult = { claimed: claimed.length, paid: 0, processing: 0, retryScheduled: 0, failed: 0, errors: 0, payoutIds: [], alertedPayoutIds: [] };
  const tally: Record<ProcessPayoutOutcome, keyof RetryPayoutsResult> = { paid: 'paid', processing: 'processing', retry_scheduled: 'retryScheduled', failed: 'failed' };
  for (const payout of claimed.sort((a, b) => a.id.localeCompare(b.id))) {
    result.payoutIds.push(payout.id);
    try {
      const outcome = await continuePayoutSaga(db, payout, context, { actor: options.actor, lookUpFirst: true, leaseSeconds, exhaustionSummarised: true });
      (result[tally[outcome.outcome]] as number) += 1;
    } catch {
      result.errors += 1;
    }
  }
  // Also when nothing was claimed: it reports what an earlier run that crashed before its summary left.
  result.alertedPayoutIds = await alertAutomaticTransfersFailed(db, context);
  return result;
}
