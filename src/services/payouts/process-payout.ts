import { eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creators, payouts } from '../../db/schema/index.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { formatMoney } from '../../domain/money/index.js';
import { isRetryableFailure, nextPayoutRetryAt } from '../../domain/payouts/retry-policy.js';
import { crashPoint } from '../../providers/crash-points/index.js';
import type { StripeGateway } from '../../providers/stripe/index.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { servicePaysOutToBank } from '../users/onboard-creator.js';
import type { Payout } from './create-payout.js';
import { failPayout, lockPayout, recordAttemptFailure, recordTransferMade, startProcessing } from './payout-lifecycle.js';
import { reverseTransferOfFailedBankPayout } from './reverse-payout-transfer.js';

/**
 * How long a process owns a PROCESSING payout's next Stripe call. Long enough for a throttled
 * call with its own retries; after it the retry sweep may assume the process died and repair.
 */
export const DEFAULT_PAYOUT_LEASE_SECONDS = 120;

export type ProcessPayoutOutcome = 'paid' | 'processing' | 'retry_scheduled' | 'failed';

export interface ProcessPayoutResult {
  payout: Payout;
  /**
   * `paid`: transferred (and done). `processing`: transferred and waiting for the connected
   * account's bank payout — or the next step is left to the retry sweep (another process holds
   * it, or Stripe's answer was unclear). `retry_scheduled`: a retryable Stripe failure, tried
   * again at `payout.nextRetryAt`. `failed`: failed for good, the reservation released.
   */
  outcome: ProcessPayoutOutcome;
  transferId?: string;
  /** The Stripe failure behind `retry_scheduled` / `failed` (or a bank payout that failed after the transfer). */
  error?: { code: string; message: string };
}

export interface ProcessPayoutInput {
  payoutId: string;
  actor: Actor;
  notes?: string | null;
}

export interface SagaOptions {
  leaseSeconds?: number;
  /**
   * The caller alerts the admins about the automatic payouts whose retries it exhausts in one
   * summary at the end of its run (`alertAutomaticTransfersFailed`), not one alert per payout.
   */
  exhaustionSummarised?: boolean;
}

/**
 * Process one PENDING payout: the transfer saga of DESIGN.md §6, each step its own commit so a
 * crash between two steps leaves a state the retry sweep (`retryPayouts`) completes with exactly
 * one Stripe transfer.
 *
 * 1. (tx) lock the payout, check it is PENDING and the creator's connected account can receive
 *    payouts, PENDING → PROCESSING with a lease; commit.
 * 2. (no tx) `transfers.create` with the payout's idempotency key (`attempt` = failures so far).
 * 3. (tx) record the transfer: ledger `transfer` entry; PAID unless the service drives the
 *    creator's bank payouts (`awaitsBankPayout`).
 * 4. where it does: (no tx) the bank payout on the connected account, then (tx) its id; the
 *    payout stays PROCESSING until the account's `payout.paid`.
 *
 * A Stripe failure is recorded (`recordAttemptFailure`): retryable → retry scheduled (the
 * creator gets `payout.retrying`), else FAILED with the reservation released (`payout.failed`).
 * Concurrent calls on one payout: the row lock serialises step 1, and every call but the first
 * finds it no longer PENDING and gets 409 PAYOUT_NOT_PROCESSABLE (with the current status in
 * `details`) — so only one transfer is ever requested. Never call it inside an open transaction.
 *
 * @throws AppError PAYOUT_NOT_FOUND (404), PAYOUT_NOT_PROCESSABLE (409: not PENDING),
 *   PAYOUT_STRIPE_NOT_CONNECTED (400: no connected account, or its payouts are disabled; the payout stays PENDING).
 * @example
 * const { outcome, transferId } = await processPayout(db, { payoutId: 'po_…', actor: 'user:usr_admin' }, context);
 */
export async function processPayout(db: Db, input: ProcessPayoutInput, context: ServiceContext, options: SagaOptions = {}): Promise<ProcessPayoutResult> {
  const started = await beginPayoutProcessing(db, input, context, options);
  return continuePayoutSaga(db, started, context, { actor: input.actor, lookUpFirst: false, ...options });
}

/** Step 1 (its own transaction): PENDING → PROCESSING with a lease. Exported for the crash tests. */
export async function beginPayoutProcessing(db: Db, input: ProcessPayoutInput, context: ServiceContext, options: SagaOptions = {}): Promise<Payout> {
  return db.transaction(async (tx) => {
    const payout = await lockPayout(tx, input.payoutId);
    if (payout.status !== 'PENDING') {
      const why = payout.status === 'PENDING_APPROVAL' ? 'it is waiting for approval' : `it is already ${payout.status}`;
      throw new AppError('PAYOUT_NOT_PROCESSABLE', `Payout ${payout.id} cannot be processed: ${why}`, {
        kind: 'conflict',
        details: { payoutId: payout.id, status: payout.status },
      });
    }
    const [creator] = await tx
      .select({ stripeAccountId: creators.stripeAccountId, payoutsEnabled: creators.payoutsEnabled, payoutMode: creators.payoutMode })
      .from(creators)
      .where(eq(creators.id, payout.creatorId));
    if (!creator?.stripeAccountId || !creator.payoutsEnabled) {
      throw new AppError(
        'PAYOUT_STRIPE_NOT_CONNECTED',
        creator?.stripeAccountId
          ? `The creator's Stripe account ${creator.stripeAccountId} cannot receive payouts yet (payouts disabled); the payout stays PENDING`
          : 'The creator has no connected Stripe account; the payout stays PENDING',
        { kind: 'invalid', details: { payoutId: payout.id, creatorId: payout.creatorId } },
      );
    }
    return startProcessing(
      tx,
      payout,
      {
        actor: input.actor,
        stripeAccountId: creator.stripeAccountId,
        awaitsBankPayout: servicePaysOutToBank(creator.payoutMode ?? context.config.payoutMode),
        notes: input.notes ?? null,
        leaseSeconds: options.leaseSeconds ?? DEFAULT_PAYOUT_LEASE_SECONDS,
      },
      context.clock.now(),
    );
  });
}

export interface ContinueSagaOptions extends SagaOptions {
  actor: Actor;
  /**
   * Ask Stripe for the payout's transfer (by transfer group) — and bank payout — before creating
   * one: the repair path, where an earlier call may have run without us hearing back, or more
   * than Stripe's 24 h of idempotency-key memory ago.
   */
  lookUpFirst: boolean;
}

/**
 * Steps 2–4 for a PROCESSING payout this process has claimed (step 1, or the retry sweep's claim).
 * Whatever is already recorded is skipped, so it can run again from any crash point.
 */
export async function continuePayoutSaga(db: Db, payout: Payout, context: ServiceContext, options: ContinueSagaOptions): Promise<ProcessPayoutResult> {
  let current = payout;
  if (current.stripeTransferId === null) {
    crashPoint('payout.claimed');
    const step = await transferStep(db, current, context, options);
    if (step.done !== true) return step.result;
    current = step.payout;
    crashPoint('payout.transfer-recorded');
  }
  if (current.status === 'PROCESSING' && current.awaitsBankPayout && current.stripeBankPayoutId === null) {
    return bankPayoutStep(db, current, context, options);
  }
  return resultFor(current);
}

type StripeTransfer = Awaited<ReturnType<StripeGateway['createTransfer']>>;
type StripeBankPayout = Awaited<ReturnType<StripeGateway['createConnectedPayout']>>;

type StepResult = { done: true; payout: Payout } | { done: false; result: ProcessPayoutResult };

async function transferStep(db: Db, payout: Payout, context: ServiceContext, options: ContinueSagaOptions): Promise<StepResult> {
  let transfer: StripeTransfer | undefined;
  try {
    if (options.lookUpFirst) transfer = await context.stripe.findTransferForPayout(payout.id);
    transfer ??= await context.stripe.createTransfer({
      payoutId: payout.id,
      amount: payout.amount,
      currency: payout.currency,
      destination: payout.stripeAccountId!,
      attempt: payout.failedAttempts,
    });
  } catch (error) {
    return { done: false, result: await transferFailed(db, payout, error, context, options) };
  }
  crashPoint('payout.transfer-made');
  return { done: true, payout: await recordTransfer(db, payout.id, transfer.id, context, options) };
}

/** Step 3: the transfer exists; record it (idempotent: a webhook may have recorded it first). */
async function recordTransfer(db: Db, payoutId: string, transferId: string, context: ServiceContext, options: ContinueSagaOptions): Promise<Payout> {
  return db.transaction(async (tx) => {
    const locked = await lockPayout(tx, payoutId);
    const now = context.clock.now();
    if (locked.stripeTransferId !== null && locked.stripeTransferId !== transferId) {
      throw new AppError('PAYOUT_TRANSFER_MISMATCH', `Payout ${payoutId} already records transfer ${locked.stripeTransferId}, not ${transferId}`, { kind: 'internal' });
    }
    if (locked.status !== 'PROCESSING') return locked;
    // Still ours: the bank payout comes next, so the sweep keeps away until the lease ends.
    const leaseUntil = new Date(now.getTime() + (options.leaseSeconds ?? DEFAULT_PAYOUT_LEASE_SECONDS) * 1000);
    const recorded = await recordTransferMade(tx, locked, { actor: options.actor, transferId, leaseUntil }, now);
    if (recorded.status === 'PROCESSING' && recorded.awaitsBankPayout && recorded.stripeBankPayoutId === null && recorded.leaseUntil?.getTime() !== leaseUntil.getTime()) {
      // Recorded before (its webhook came first): the lease is this transaction's only update of the row.
      const [leased] = await tx.update(payouts).set({ leaseUntil, updatedAt: now }).where(eq(payouts.id, payoutId)).returning();
      return leased!;
    }
    return recorded;
  });
}

/** Step 4: the bank payout on the connected account (only where the service drives bank payouts). */
async function bankPayoutStep(db: Db, payout: Payout, context: ServiceContext, options: ContinueSagaOptions): Promise<ProcessPayoutResult> {
  const accountId = payout.stripeAccountId!;
  let bankPayout: StripeBankPayout | undefined;
  try {
    if (options.lookUpFirst) bankPayout = await context.stripe.findConnectedPayoutForPayout({ accountId, payoutId: payout.id });
    bankPayout ??= await context.stripe.createConnectedPayout({ payoutId: payout.id, accountId, amount: payout.amount, currency: payout.currency, attempt: payout.failedAttempts });
  } catch (error) {
    return bankPayoutFailed(db, payout, error, context, options);
  }
  crashPoint('payout.bank-payout-made');
  const bankPayoutId = bankPayout.id;
  const recorded = await db.transaction(async (tx) => {
    const locked = await lockPayout(tx, payout.id);
    if (locked.stripeBankPayoutId !== null) return locked;
    const now = context.clock.now();
    const [updated] = await tx
      .update(payouts)
      .set({ stripeBankPayoutId: bankPayoutId, leaseUntil: null, nextRetryAt: null, lastErrorCode: null, failureReason: null, updatedAt: now })
      .where(eq(payouts.id, payout.id))
      .returning();
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: 'payout.bank_payout_created',
      subjectType: 'payout',
      subjectId: payout.id,
      fromStatus: locked.status,
      toStatus: locked.status,
      amount: locked.amount,
      currency: locked.currency,
      metadata: { bankPayoutId, accountId, transferId: locked.stripeTransferId },
      at: now,
    });
    return updated!;
  });
  return resultFor(recorded);
}

interface StripeFailure {
  code: string;
  message: string;
  transient: boolean;
  /** Another request holds the same idempotency key right now: not a failure, the sweep looks again later. */
  inProgress: boolean;
}

/** A failed Stripe call as the saga sees it; undefined for anything that is not Stripe's answer (our own crash: rethrown, the sweep repairs). */
function stripeFailureOf(error: unknown): StripeFailure | undefined {
  if (!isAppError(error) || !error.code.startsWith('STRIPE_') || !error.details || !('stripeType' in error.details)) return undefined;
  const details = error.details as { stripeCode?: string; stripeType?: string; transient?: boolean };
  return {
    code: details.stripeCode ?? error.code.slice('STRIPE_'.length).toLowerCase(),
    message: error.message,
    transient: details.transient === true,
    // The SDK's class name: a 409 "key in use" (or, never expected, the key reused with other parameters).
    inProgress: details.stripeType === 'StripeIdempotencyError' || details.stripeCode === 'idempotency_key_in_use',
  };
}

function willRetry(payout: Payout, failure: StripeFailure, context: ServiceContext): boolean {
  return isRetryableFailure({ code: failure.code, transient: failure.transient }) && nextPayoutRetryAt(payout.failedAttempts + 1, context.clock.now(), context.config.payoutRetry) !== null;
}

async function transferFailed(db: Db, payout: Payout, error: unknown, context: ServiceContext, options: ContinueSagaOptions): Promise<ProcessPayoutResult> {
  const failure = stripeFailureOf(error);
  if (!failure) throw error;
  if (failure.inProgress) return { ...resultFor(payout), outcome: 'processing' };
  if (failure.transient && !willRetry(payout, failure, context)) {
    // A lost answer (timeout, 5xx) may hide a transfer that was made: look before failing for good.
    let found: StripeTransfer | undefined;
    try {
      found = await context.stripe.findTransferForPayout(payout.id);
    } catch {
      return { ...resultFor(payout), outcome: 'processing' }; // Stripe unreachable: the lease ends, the sweep decides.
    }
    if (found) return resultFor(await recordTransfer(db, payout.id, found.id, context, options), found.id);
  }
  return db.transaction(async (tx) => {
    const locked = await lockPayout(tx, payout.id);
    // Someone else moved it on meanwhile (a webhook recorded the transfer, another claim failed it): theirs stands.
    if (locked.status !== 'PROCESSING' || locked.stripeTransferId !== null || locked.failedAttempts !== payout.failedAttempts) return resultFor(locked);
    const recorded = await recordAttemptFailure(
      tx,
      locked,
      { actor: options.actor, code: failure.code, message: failure.message, transient: failure.transient, exhaustionSummarised: options.exhaustionSummarised ?? false },
      context.config.payoutRetry,
      context.clock.now(),
    );
    return { payout: recorded.payout, outcome: recorded.outcome, error: { code: failure.code, message: failure.message } };
  });
}

/**
 * The bank payout could not be made. The transfer stands (the money is in the creator's
 * connected balance): a retryable failure is retried by the sweep; a final one takes the
 * transfer back (`reverseTransferOfFailedBankPayout`, outside any transaction, idempotent) and
 * FAILS the payout with the money back in `available` — the same end as a `payout.failed`
 * webhook. Only when the reversal itself cannot be made does the payout stay PROCESSING with
 * the error, and the admins are told (`alert.payout_bank_payout_failed`).
 */
async function bankPayoutFailed(db: Db, payout: Payout, error: unknown, context: ServiceContext, options: ContinueSagaOptions): Promise<ProcessPayoutResult> {
  const failure = stripeFailureOf(error);
  if (!failure) throw error;
  if (failure.inProgress) return { ...resultFor(payout), outcome: 'processing' };
  const retry = willRetry(payout, failure, context);
  if (failure.transient && !retry) {
    try {
      const found = await context.stripe.findConnectedPayoutForPayout({ accountId: payout.stripeAccountId!, payoutId: payout.id });
      if (found) return continuePayoutSaga(db, payout, context, { ...options, lookUpFirst: true });
    } catch {
      return { ...resultFor(payout), outcome: 'processing' };
    }
  }
  let reversed = false;
  if (!retry) {
    try {
      await reverseTransferOfFailedBankPayout(context, payout, failure.code);
      reversed = true;
    } catch {
      // Left PROCESSING below, with an admin alert.
    }
  }
  return db.transaction(async (tx) => {
    const locked = await lockPayout(tx, payout.id);
    if (locked.status !== 'PROCESSING' || locked.stripeBankPayoutId !== null || locked.failedAttempts !== payout.failedAttempts) return resultFor(locked);
    const now = context.clock.now();
    const error = { code: failure.code, message: failure.message };
    if (reversed) {
      const failed = await failPayout(
        tx,
        { ...locked, failedAttempts: locked.failedAttempts + 1 },
        {
          actor: options.actor,
          ...error,
          moneyBack: 'reversal',
          exhausted: isRetryableFailure({ code: failure.code, transient: failure.transient }),
          exhaustionSummarised: options.exhaustionSummarised ?? false,
        },
        now,
      );
      return { payout: failed, outcome: 'failed', error };
    }
    if (retry) {
      const recorded = await recordAttemptFailure(
        tx,
        locked,
        { actor: options.actor, ...error, transient: failure.transient, exhaustionSummarised: options.exhaustionSummarised ?? false },
        context.config.payoutRetry,
        now,
      );
      return { payout: recorded.payout, outcome: recorded.outcome, error };
    }
    const [updated] = await tx
      .update(payouts)
      .set({ failedAttempts: locked.failedAttempts + 1, lastErrorCode: failure.code, failureReason: failure.message, nextRetryAt: null, leaseUntil: null, updatedAt: now })
      .where(eq(payouts.id, payout.id))
      .returning();
    await recordAuditEvent(tx, {
      actor: options.actor,
      action: 'payout.bank_payout_failed',
      subjectType: 'payout',
      subjectId: payout.id,
      fromStatus: 'PROCESSING',
      toStatus: 'PROCESSING',
      amount: locked.amount,
      currency: locked.currency,
      reason: `${failure.code}: ${failure.message}`,
      metadata: { transferId: locked.stripeTransferId, accountId: locked.stripeAccountId },
      at: now,
    });
    // Resolved by the payout monitor once the payout leaves PROCESSING (docs/alerts.md).
    await raiseAlert(
      tx,
      topicAlert('alert.payout_bank_payout_failed', {
        about: payout.id,
        subject: `Bank payout failed for payout ${payout.id} (${formatMoney({ amountMinor: locked.amount, currency: locked.currency })}): ${failure.code}`,
        payload: { payoutId: payout.id, amount: String(locked.amount), currency: locked.currency, accountId: locked.stripeAccountId, transferId: locked.stripeTransferId, ...error },
        at: now,
      }),
    );
    return { payout: updated!, outcome: 'processing', error };
  });
}

function resultFor(payout: Payout, transferId = payout.stripeTransferId ?? undefined): ProcessPayoutResult {
  const outcome: ProcessPayoutOutcome = payout.status === 'PAID' ? 'paid' : payout.status === 'FAILED' ? 'failed' : payout.nextRetryAt !== null ? 'retry_scheduled' : 'processing';
  return { payout, outcome, ...(transferId ? { transferId } : {}) };
}
