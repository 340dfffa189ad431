import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payoutPayments, payouts } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { formatMoney } from '../../domain/money/index.js';
import { assertTransition, type PayoutStatus } from '../../domain/payouts/payout-status.js';
import { isRetryableFailure, nextPayoutRetryAt, type PayoutRetryPolicy } from '../../domain/payouts/retry-policy.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payout } from './create-payout.js';
import { postPayoutStep } from './payout-ledger.js';
import { syncPaymentStatuses } from './sync-payment-statuses.js';

/**
 * The payout state machine's writes (DESIGN.md §4, §6). Each function runs in the caller's
 * transaction and writes together the payout row, its ledger entry, the covered payments'
 * statuses, an audit event (who, when, from, to, amount, reason) and the outbox message. They
 * are the only code that changes `payouts.status`; the saga (process-payout), the webhook
 * handlers and the admin routes all go through them.
 */

/** The payout, locked for the rest of the transaction. @throws PAYOUT_NOT_FOUND (404). */
export async function lockPayout(tx: DbExecutor, payoutId: string): Promise<Payout> {
  const [payout] = await tx.select().from(payouts).where(eq(payouts.id, payoutId)).for('update');
  if (!payout) throw new AppError('PAYOUT_NOT_FOUND', `No payout with id ${payoutId}`, { kind: 'not_found' });
  return payout;
}

export interface TransitionInput {
  actor: Actor;
  reason?: string | null;
  metadata?: Record<string, unknown>;
  /** Other columns to set with the status. */
  set?: Partial<Omit<Payout, 'id' | 'status'>>;
  /** Audit action; default `payout.<to lower case>`. */
  action?: string;
}

/** Move a locked payout to `to` (only a legal move), with its audit event. Returns the new row. */
export async function transitionPayout(tx: DbExecutor, payout: Payout, to: PayoutStatus, input: TransitionInput, now: Date): Promise<Payout> {
  assertTransition(payout.id, payout.status, to);
  const [updated] = await tx
    .update(payouts)
    .set({ ...input.set, status: to, updatedAt: now })
    .where(eq(payouts.id, payout.id))
    .returning();
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: input.action ?? `payout.${to.toLowerCase()}`,
    subjectType: 'payout',
    subjectId: payout.id,
    fromStatus: payout.status,
    toStatus: to,
    amount: payout.amount,
    currency: payout.currency,
    reason: input.reason ?? null,
    metadata: input.metadata ?? {},
    at: now,
  });
  return updated!;
}

/** The outbox recipient for a creator: their user. */
export async function creatorRecipient(tx: DbExecutor, creatorId: string): Promise<string> {
  const { rows } = await tx.execute<{ recipient: string }>(sql`select ${creatorRecipientSql(sql`${creatorId}::text`)} as recipient`);
  return rows[0]!.recipient;
}

/**
 * `creatorRecipient` as an SQL expression, for set-based writers that queue a message per
 * creator in one statement (the release sweep): `creatorId` is an SQL text expression.
 */
export function creatorRecipientSql(creatorId: SQL): SQL {
  return sql`'user:' || coalesce((select c.user_id from ${creators} c where c.id = ${creatorId}), ${creatorId})`;
}

/** The payments a payout covers (live allocations). */
export async function coveredPaymentIds(tx: DbExecutor, payoutId: string): Promise<string[]> {
  const rows = await tx
    .select({ paymentId: payoutPayments.paymentId })
    .from(payoutPayments)
    .where(and(eq(payoutPayments.payoutId, payoutId), isNull(payoutPayments.releasedAt)));
  return rows.map((r) => r.paymentId);
}

function payoutPayload(payout: Payout, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { payoutId: payout.id, amount: String(payout.amount), currency: payout.currency, ...extra };
}

/**
 * PENDING → PROCESSING: the saga's first step, committed before Stripe is called. Sets the
 * lease that keeps the retry sweep away while this process calls Stripe; covered payments
 * become PROCESSING.
 */
export async function startProcessing(
  tx: DbExecutor,
  payout: Payout,
  input: { actor: Actor; stripeAccountId: string; awaitsBankPayout: boolean; notes?: string | null; leaseSeconds: number },
  now: Date,
): Promise<Payout> {
  const updated = await transitionPayout(
    tx,
    payout,
    'PROCESSING',
    {
      actor: input.actor,
      reason: input.notes ?? null,
      set: {
        stripeAccountId: input.stripeAccountId,
        awaitsBankPayout: input.awaitsBankPayout,
        processedBy: input.actor,
        processingStartedAt: now,
        leaseUntil: new Date(now.getTime() + input.leaseSeconds * 1000),
        nextRetryAt: null,
        ...(input.notes ? { notes: input.notes } : {}),
      },
    },
    now,
  );
  await syncPaymentStatuses(tx, await coveredPaymentIds(tx, payout.id), now);
  return updated;
}

/**
 * The transfer exists (our call returned it, the sweep found it, or `transfer.created` told us):
 * the money has left the platform's balance. Ledger `transfer` entry (idempotent); the payout is
 * PAID unless it waits for the connected account's bank payout. Safe to call twice.
 */
export async function recordTransferMade(
  tx: DbExecutor,
  payout: Payout,
  input: {
    actor: Actor;
    transferId: string;
    /**
     * When the payout goes on to its bank payout: the lease that keeps the retry sweep away
     * meanwhile, set in this same update. A second update of the row in the transaction would check
     * its creator foreign key again (PostgreSQL does for a row the transaction itself wrote), a
     * KEY SHARE lock on the creator taken after the ledger's locks — a deadlock with a transaction
     * that locked the creator first (an automatic payout being made for the same creator).
     */
    leaseUntil?: Date;
  },
  now: Date,
): Promise<Payout> {
  if (payout.stripeTransferId === input.transferId && (payout.status === 'PAID' || payout.transferredAt !== null)) return payout;
  if (payout.status !== 'PROCESSING') {
    throw new AppError('PAYOUT_INVALID_TRANSITION', `Payout ${payout.id} is ${payout.status}; a transfer cannot be recorded for it`, { kind: 'conflict' });
  }
  await postPayoutStep(tx, payout, 'transfer', now);
  const set = { stripeTransferId: input.transferId, transferredAt: now, leaseUntil: null, nextRetryAt: null, lastErrorCode: null, failureReason: null };
  if (payout.awaitsBankPayout) {
    const [updated] = await tx
      .update(payouts)
      .set({ ...set, leaseUntil: input.leaseUntil ?? null, updatedAt: now })
      .where(eq(payouts.id, payout.id))
      .returning();
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'payout.transferred',
      subjectType: 'payout',
      subjectId: payout.id,
      fromStatus: 'PROCESSING',
      toStatus: 'PROCESSING',
      amount: payout.amount,
      currency: payout.currency,
      metadata: { transferId: input.transferId },
      at: now,
    });
    return updated!;
  }
  return completePayout(tx, { ...payout, ...set }, { actor: input.actor, set, metadata: { transferId: input.transferId } }, now);
}

/** PROCESSING → PAID (transfer made, and the bank payout paid where the service drives it). */
export async function completePayout(
  tx: DbExecutor,
  payout: Payout,
  input: { actor: Actor; set?: Partial<Omit<Payout, 'id' | 'status'>>; metadata?: Record<string, unknown> },
  now: Date,
): Promise<Payout> {
  if (payout.status === 'PAID') return payout;
  const updated = await transitionPayout(tx, payout, 'PAID', { actor: input.actor, set: { ...input.set, completedAt: now }, metadata: input.metadata ?? {} }, now);
  await syncPaymentStatuses(tx, await coveredPaymentIds(tx, payout.id), now);
  await enqueueMessage(tx, {
    topic: 'payout.paid',
    recipient: await creatorRecipient(tx, payout.creatorId),
    payload: payoutPayload(updated, { transferId: updated.stripeTransferId }),
    dedupeKey: `payout.paid:${payout.id}`,
    at: now,
  });
  return updated;
}

/**
 * The `adminAlert` mark of the FAILED audit event of an automatic payout whose exhausted retries
 * are left to the sweep's summary: what `alertAutomaticTransfersFailed` looks for, so that a
 * crash between the failure's commit and the summary delays the alert rather than losing it.
 */
export const AUTOMATIC_TRANSFERS_FAILED_SUMMARY = 'automatic_transfers_failed';

export interface FailureInput {
  actor: Actor;
  /** Stripe's code (lower case) or ours. */
  code: string;
  message: string;
  /** A transport-level failure (429, 5xx, network): retryable whatever the code. */
  transient?: boolean;
  /** Force a final failure (a non-retryable cause we know of, e.g. the account was closed for good). */
  final?: boolean;
  /**
   * The caller is a sweep that tells the admins about the automatic payouts whose retries it
   * exhausted in one summary at the end of its run (`alertAutomaticTransfersFailed`): an
   * automatic payout failing for good then queues no `alert.payout_retries_exhausted` of its own.
   */
  exhaustionSummarised?: boolean;
}

export type FailureOutcome = { outcome: 'retry_scheduled'; nextRetryAt: Date; payout: Payout } | { outcome: 'failed'; payout: Payout };

/**
 * A Stripe attempt for a PROCESSING payout failed and no money moved (the transfer, or the
 * bank payout before the transfer is recorded): a retryable failure with retries left waits
 * for the sweep (backoff from `policy`) and the creator gets `payout.retrying`; otherwise the
 * payout FAILS, its reservation returns to `available`, its payments to READY, and the creator
 * gets `payout.failed`, saying what to fix. One message per failed attempt, never both: a
 * creator told "failed" for a payout that is then paid would act on a false alarm.
 */
export async function recordAttemptFailure(tx: DbExecutor, payout: Payout, input: FailureInput, policy: PayoutRetryPolicy, now: Date): Promise<FailureOutcome> {
  const failedAttempts = payout.failedAttempts + 1;
  const retryable = input.final !== true && isRetryableFailure({ code: input.code, transient: input.transient ?? false });
  const nextRetryAt = retryable ? nextPayoutRetryAt(failedAttempts, now, policy) : null;
  if (nextRetryAt) {
    const [updated] = await tx
      .update(payouts)
      .set({ failedAttempts, nextRetryAt, leaseUntil: null, lastErrorCode: input.code, failureReason: input.message, updatedAt: now })
      .where(eq(payouts.id, payout.id))
      .returning();
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'payout.retry_scheduled',
      subjectType: 'payout',
      subjectId: payout.id,
      fromStatus: payout.status,
      toStatus: payout.status,
      amount: payout.amount,
      currency: payout.currency,
      reason: `${input.code}: ${input.message}`,
      metadata: { failedAttempts, nextRetryAt: nextRetryAt.toISOString() },
      at: now,
    });
    await enqueueMessage(tx, {
      topic: 'payout.retrying',
      recipient: await creatorRecipient(tx, payout.creatorId),
      payload: payoutPayload(updated!, { code: input.code, reason: input.message, attempt: failedAttempts, nextRetryAt: nextRetryAt.toISOString() }),
      // Per attempt: each failed attempt is news of its own, and no attempt is announced twice.
      dedupeKey: `payout.retrying:${payout.id}:${failedAttempts}`,
      at: now,
    });
    return { outcome: 'retry_scheduled', nextRetryAt, payout: updated! };
  }
  const failed = await failPayout(tx, { ...payout, failedAttempts }, { ...input, moneyBack: 'release', exhausted: retryable }, now);
  return { outcome: 'failed', payout: failed };
}

/**
 * The payout FAILS for good. `moneyBack` says how its money returns to the creator's
 * `available`: `release` (it never left: the reservation is released) or `reversal` (it had
 * been transferred and came back: a transfer reversal, or a bank payout that failed after the
 * transfer and was reversed). Payments go back to READY; the creator is notified, and admins
 * too when retries were exhausted — at once (an `alert.payout_retries_exhausted` alert), or, for an
 * automatic payout failed by a sweep that says `exhaustionSummarised`, in the sweep's summary
 * (`alert.automatic_transfers_failed`, which finds it by the `adminAlert` mark of this audit event).
 */
export async function failPayout(
  tx: DbExecutor,
  payout: Payout,
  input: FailureInput & { moneyBack: 'release' | 'reversal'; exhausted?: boolean },
  now: Date,
): Promise<Payout> {
  if (payout.status === 'FAILED') return payout;
  const summarised = input.exhausted === true && input.exhaustionSummarised === true && payout.origin === 'automatic';
  await postPayoutStep(tx, payout, input.moneyBack, now);
  const failed = await transitionPayout(
    tx,
    payout,
    'FAILED',
    {
      actor: input.actor,
      reason: `${input.code}: ${input.message}`,
      set: { failedAttempts: payout.failedAttempts, lastErrorCode: input.code, failureReason: input.message, failedAt: now, nextRetryAt: null, leaseUntil: null },
      metadata: { code: input.code, moneyBack: input.moneyBack, exhausted: input.exhausted ?? false, ...(summarised && { adminAlert: AUTOMATIC_TRANSFERS_FAILED_SUMMARY }) },
    },
    now,
  );
  await releaseAllocations(tx, payout.id, now);
  await enqueueMessage(tx, {
    topic: 'payout.failed',
    recipient: await creatorRecipient(tx, payout.creatorId),
    payload: payoutPayload(failed, { code: input.code, reason: input.message }),
    dedupeKey: `payout.failed:${payout.id}`,
    at: now,
  });
  if (input.exhausted && !summarised) {
    await raiseAlert(
      tx,
      topicAlert('alert.payout_retries_exhausted', {
        about: payout.id,
        subject: `Payout ${payout.id} (${formatMoney({ amountMinor: payout.amount, currency: payout.currency })}) failed after ${payout.failedAttempts} attempts: ${input.code}`,
        payload: payoutPayload(failed, { code: input.code, reason: input.message, failedAttempts: payout.failedAttempts, origin: payout.origin }),
        at: now,
      }),
    );
  }
  return failed;
}

/**
 * PENDING_APPROVAL / PENDING → CANCELLED (an admin rejected it, or it was withdrawn): the
 * reservation is released and the payments are free again. `reason` is required.
 */
export async function cancelPayout(tx: DbExecutor, payout: Payout, input: { actor: Actor; reason: string; reviewed?: boolean }, now: Date): Promise<Payout> {
  if (input.reason.trim() === '') throw new AppError('PAYOUT_REASON_REQUIRED', 'A reason is required to cancel or reject a payout', { kind: 'invalid' });
  assertTransition(payout.id, payout.status, 'CANCELLED');
  await postPayoutStep(tx, payout, 'release', now);
  const cancelled = await transitionPayout(
    tx,
    payout,
    'CANCELLED',
    {
      actor: input.actor,
      reason: input.reason,
      action: input.reviewed ? 'payout.rejected' : 'payout.cancelled',
      set: input.reviewed ? { reviewedBy: input.actor, reviewedAt: now, reviewNotes: input.reason, failureReason: input.reason } : { failureReason: input.reason },
    },
    now,
  );
  await releaseAllocations(tx, payout.id, now);
  await enqueueMessage(tx, {
    topic: input.reviewed ? 'payout.rejected' : 'payout.cancelled',
    recipient: await creatorRecipient(tx, payout.creatorId),
    payload: payoutPayload(cancelled, { reason: input.reason }),
    dedupeKey: `payout.cancelled:${payout.id}`,
    at: now,
  });
  return cancelled;
}

/** The payout no longer covers its payments: allocations released, payments back to READY. */
async function releaseAllocations(tx: DbExecutor, payoutId: string, now: Date): Promise<void> {
  const paymentIds = await coveredPaymentIds(tx, payoutId);
  await tx.execute(sql`update payout_payments set released_at = ${now.toISOString()}::timestamptz where payout_id = ${payoutId} and released_at is null`);
  await syncPaymentStatuses(tx, paymentIds, now);
}
