import type { Db, DbExecutor } from '../../db/database.js';
import { transactionWithRetry } from '../../db/transaction-with-retry.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { resolveAlertsByFingerprint } from '../alerts/resolve-cleared-alerts.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payout } from './create-payout.js';
import { cancelPayout, creatorRecipient, lockPayout, transitionPayout } from './payout-lifecycle.js';
import { processPayout, type ProcessPayoutResult } from './process-payout.js';

export interface ReviewPayoutInput {
  payoutId: string;
  action: 'approve' | 'reject';
  /** Optional for an approval, required for a rejection (seed 002 §7). */
  notes?: string | null;
  actor: Actor;
}

export type ReviewPayoutResult =
  | { action: 'approve'; payout: Payout; processing: ProcessPayoutResult }
  /** Approved, but processing refused it (e.g. the creator's account cannot receive payouts): it stays PENDING. */
  | { action: 'approve'; payout: Payout; processingError: { code: string; message: string } }
  | { action: 'reject'; payout: Payout };

/**
 * An admin's decision on a payout waiting for approval (seed 002 §7). The reviewer, time and
 * notes are kept on the payout (`reviewedBy`, `reviewedAt`, `reviewNotes`) and in the audit trail.
 *
 * - approve: PENDING_APPROVAL → PENDING (creator told, `payout.approved`), committed, then
 *   processed at once through `processPayout`. Two admins approving at once: the row lock lets
 *   one through; the other gets 409 PAYOUT_NOT_REVIEWABLE — the payout is processed once.
 * - reject: notes required (PAYOUT_REASON_REQUIRED); `cancelPayout(…, reviewed)` — CANCELLED,
 *   the reservation released, the payments free again, the creator told (`payout.rejected`).
 *   A PENDING request (manual mode) may be rejected too.
 *
 * @throws AppError PAYOUT_NOT_FOUND (404), PAYOUT_NOT_REVIEWABLE (409), PAYOUT_REASON_REQUIRED (400).
 */
export async function reviewPayout(db: Db, input: ReviewPayoutInput, context: ServiceContext): Promise<ReviewPayoutResult> {
  const notes = input.notes?.trim() ? input.notes.trim() : null;
  if (input.action === 'reject') {
    if (!notes) throw new AppError('PAYOUT_REASON_REQUIRED', 'Notes are required to reject a payout: the creator is told why', { kind: 'invalid', details: { param: 'notes' } });
    // The rejection posts to the ledger, then moves the payments back to READY; a refund or dispute of one of
    // them takes the payment, then the ledger. When the two cross, PostgreSQL rolls one back (deadlock) and
    // this one, all database, is run again (the simulation's finding, docs/simulation.md).
    const rejected = await transactionWithRetry(db, async (tx) => {
      const payout = await lockPayout(tx, input.payoutId);
      assertReviewable(payout, ['PENDING_APPROVAL', 'PENDING']);
      const now = context.clock.now();
      const cancelled = await cancelPayout(tx, payout, { actor: input.actor, reason: notes, reviewed: true }, now);
      await reviewOverdueCleared(tx, payout.id, 'rejected', now);
      return cancelled;
    });
    return { action: 'reject', payout: rejected };
  }

  const approved = await db.transaction(async (tx) => {
    const payout = await lockPayout(tx, input.payoutId);
    assertReviewable(payout, ['PENDING_APPROVAL']);
    const now = context.clock.now();
    const updated = await transitionPayout(
      tx,
      payout,
      'PENDING',
      { actor: input.actor, reason: notes, action: 'payout.approved', set: { reviewedBy: input.actor, reviewedAt: now, reviewNotes: notes }, metadata: { approvalReason: payout.approvalReason, flags: payout.flags } },
      now,
    );
    await enqueueMessage(tx, {
      topic: 'payout.approved',
      recipient: await creatorRecipient(tx, payout.creatorId),
      payload: { payoutId: payout.id, amount: String(payout.amount), currency: payout.currency, notes },
      dedupeKey: `payout.approved:${payout.id}`,
      at: now,
    });
    await reviewOverdueCleared(tx, payout.id, 'approved', now);
    return updated;
  });
  try {
    const processing = await processPayout(db, { payoutId: approved.id, actor: input.actor, notes }, context);
    return { action: 'approve', payout: processing.payout, processing };
  } catch (error) {
    if (!isAppError(error) || error.kind === 'internal') throw error;
    return { action: 'approve', payout: approved, processingError: { code: error.code, message: error.message } };
  }
}

/** A review ends the wait: an open "waiting for approval" alert of this payout is resolved with it, not at the monitor's next run. */
async function reviewOverdueCleared(tx: DbExecutor, payoutId: string, outcome: 'approved' | 'rejected', now: Date): Promise<void> {
  await resolveAlertsByFingerprint(tx, { fingerprints: [`payout_review_overdue:${payoutId}`], note: `Cleared: the payout was ${outcome}`, at: now });
}

function assertReviewable(payout: Payout, allowed: Payout['status'][]): void {
  if (allowed.includes(payout.status)) return;
  throw new AppError('PAYOUT_NOT_REVIEWABLE', `Payout ${payout.id} is ${payout.status}: it was already reviewed or processed`, {
    kind: 'conflict',
    details: { payoutId: payout.id, status: payout.status },
  });
}
