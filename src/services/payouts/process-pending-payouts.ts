import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { payouts } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import type { PayoutOrigin } from '../../domain/payouts/payout-status.js';
import type { Actor, ServiceContext } from '../context.js';
import { processPayout, type ProcessPayoutOutcome } from './process-payout.js';

export interface PendingPayoutsRun {
  /** PENDING payouts of the origin looked at in this run. */
  attempted: number;
  paid: number;
  /** Transferred and waiting for the bank payout's `payout.paid`, or left to the retry sweep. */
  processing: number;
  retryScheduled: number;
  failed: number;
  /** Still PENDING: the creator's Stripe account cannot receive payouts yet; tried again next run. */
  waiting: number;
  /** Another instance was already processing it. */
  taken: number;
  /** Unexpected errors (the payout stays where it was; the next run or the retry sweep continues). */
  errors: Array<{ payoutId: string; code: string; message: string }>;
  processedPayoutIds: string[];
}

export function emptyPendingPayoutsRun(): PendingPayoutsRun {
  return { attempted: 0, paid: 0, processing: 0, retryScheduled: 0, failed: 0, waiting: 0, taken: 0, errors: [], processedPayoutIds: [] };
}

/**
 * Run the transfer saga (`processPayout`) for the PENDING payouts that a job made — those of
 * `origin` (`automatic` or `scheduled`; creators' requests wait for an admin instead), oldest
 * first. It picks up what an earlier run left: a crash between making a payout and processing
 * it, or a creator whose account could not receive payouts then. Two instances may run it at
 * once: `processPayout` locks the payout, so each one is processed by exactly one of them (the
 * other gets PAYOUT_NOT_PROCESSABLE, counted as `taken`).
 */
export async function processPendingPayouts(
  db: Db,
  input: { origin: Exclude<PayoutOrigin, 'request'>; actor: Actor; limit?: number },
  context: ServiceContext,
): Promise<PendingPayoutsRun> {
  const pending = await db
    .select({ id: payouts.id })
    .from(payouts)
    .where(and(eq(payouts.status, 'PENDING'), eq(payouts.origin, input.origin)))
    .orderBy(asc(payouts.requestedAt), asc(payouts.id))
    .limit(input.limit ?? 500);

  const run = emptyPendingPayoutsRun();
  const tally: Record<ProcessPayoutOutcome, 'paid' | 'processing' | 'retryScheduled' | 'failed'> = {
    paid: 'paid',
    processing: 'processing',
    retry_scheduled: 'retryScheduled',
    failed: 'failed',
  };
  for (const { id } of pending) {
    run.attempted += 1;
    try {
      const result = await processPayout(db, { payoutId: id, actor: input.actor }, context);
      run[tally[result.outcome]] += 1;
      run.processedPayoutIds.push(id);
    } catch (error) {
      if (isAppError(error) && error.code === 'PAYOUT_NOT_PROCESSABLE') run.taken += 1;
      else if (isAppError(error) && error.code === 'PAYOUT_STRIPE_NOT_CONNECTED') run.waiting += 1;
      else run.errors.push({ payoutId: id, code: isAppError(error) ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
    }
  }
  return run;
}
