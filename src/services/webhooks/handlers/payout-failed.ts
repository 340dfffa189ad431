import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../../db/database.js';
import { payouts } from '../../../db/schema/index.js';
import { isRetryableFailure, nextPayoutRetryAt, type PayoutRetryPolicy } from '../../../domain/payouts/retry-policy.js';
import { recordAuditEvent } from '../../audit/record-audit-event.js';
import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import type { Payout } from '../../payouts/create-payout.js';
import { failPayout, recordAttemptFailure } from '../../payouts/payout-lifecycle.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import {
  accountMismatch,
  alertAdminsAboutPayout,
  BANK_PAYOUT_FAILED_ACTION,
  bankPayoutFailureRecorded,
  findPayoutForBankPayout,
  parkedEventError,
  payoutOfBankPayoutEvent,
  recordPayoutEventAudit,
  stripeBankPayoutSchema,
  type StripeBankPayoutFields,
} from './payout-stripe-objects.js';
import { reverseTransferOfFailedBankPayout } from '../../payouts/reverse-payout-transfer.js';
import { bankPayoutFailureMessage, UNEXPECTED_TRANSFER_ALERT } from './transfer-effects.js';

/** What a failed bank payout means for its payout. */
export type BankPayoutFailureDecision =
  /** Retryable, retries left: the money stays in the connected account and the retry sweep makes a new bank payout. */
  | { action: 'retry' }
  /** Final (or after `payout.paid`): take the money back with a transfer reversal, then FAILED. */
  | { action: 'reverse'; exhausted: boolean }
  | { action: 'none'; effect: string }
  /** The transfer is not recorded yet: wait for it (the event is parked). */
  | { action: 'park'; reason: string }
  | { action: 'unexpected'; reason: string };

function failureCodeOf(bankPayout: StripeBankPayoutFields): string {
  return (bankPayout.failure_code ?? 'payout_failed').toLowerCase();
}

/**
 * Decide, from the payout as it is, what the failure of one of its bank payouts does. Run twice
 * with the same rules: in `prepare` on a snapshot (to know whether to reverse the transfer before
 * the transaction) and in `handle` under the payout's lock.
 */
export async function decideBankPayoutFailure(db: DbExecutor, payout: Payout, bankPayout: StripeBankPayoutFields, policy: PayoutRetryPolicy): Promise<BankPayoutFailureDecision> {
  if (payout.status === 'FAILED') return { action: 'none', effect: 'already_failed' };
  if (await bankPayoutFailureRecorded(db, payout.id, bankPayout.id)) return { action: 'none', effect: 'bank_payout_failure_already_recorded' };
  if (payout.stripeBankPayoutId !== null && payout.stripeBankPayoutId !== bankPayout.id) {
    return { action: 'unexpected', reason: `bank payout ${bankPayout.id} failed, but payout ${payout.id} records bank payout ${payout.stripeBankPayoutId}` };
  }
  if (payout.status === 'PAID') {
    // Stripe can fail a bank payout after reporting it paid: the money is back in the connected account.
    return payout.stripeTransferId ? { action: 'reverse', exhausted: false } : { action: 'unexpected', reason: `payout ${payout.id} is PAID without a transfer` };
  }
  if (payout.status !== 'PROCESSING') return { action: 'unexpected', reason: `bank payout ${bankPayout.id} failed while payout ${payout.id} is ${payout.status}` };
  if (payout.stripeTransferId === null || payout.transferredAt === null) return { action: 'park', reason: `bank payout ${bankPayout.id} of payout ${payout.id} failed, but the payout's transfer is not recorded yet` };
  const retryable = isRetryableFailure({ code: failureCodeOf(bankPayout) });
  if (retryable && nextPayoutRetryAt(payout.failedAttempts + 1, new Date(0), policy) !== null) return { action: 'retry' };
  return { action: 'reverse', exhausted: retryable };
}

interface PreparedBankPayoutFailure {
  /** The transfer reversal made before the transaction, when the failure is final. */
  reversal: { payoutId: string; reversalId: string } | null;
}

/** Take the money back from the connected account (idempotent: the key is the payout's and the reason's). */
/**
 * `payout.failed` (a Connect event): a bank payout the service made on a creator's connected
 * account failed — the bank refused it and the money is back in the connected account's balance.
 *
 * - The payout is PROCESSING (transfer made, bank payout under way), the `failure_code` is
 *   retryable and retries are left: a failed attempt (`failedAttempts` + 1, `nextRetryAt` with
 *   backoff), the failed bank payout's id cleared so that the retry sweep makes a new one.
 * - Otherwise — a final code, retries exhausted, or the payout was PAID already (Stripe can fail a
 *   bank payout after `payout.paid`) — `prepare` reverses the transfer (before the transaction,
 *   idempotency key `payouts:transfer-reversal:<payout>:bank_payout_failed:<code>`), and `handle`
 *   FAILS the payout with a `reversal` entry: the money back in the creator's available
 *   balance, the payments READY, the creator told what to fix.
 * - Each bank payout's failure counts once; a payout FAILED already is left alone.
 */
export const payoutFailedHandler = defineWebhookHandler<PreparedBankPayoutFailure>({
  async prepare(event, context, db) {
    const bankPayout = parseStripeObject(stripeBankPayoutSchema, event.data.object, 'bank payout');
    if (!event.account) return { reversal: null };
    const lookup = await findPayoutForBankPayout(db, bankPayout, { lock: false });
    if (lookup.kind !== 'found' || accountMismatch(event, lookup.payout)) return { reversal: null };
    const decision = await decideBankPayoutFailure(db, lookup.payout, bankPayout, context.config.payoutRetry);
    if (decision.action !== 'reverse') return { reversal: null };
    return { reversal: { payoutId: lookup.payout.id, reversalId: await reverseTransferOfFailedBankPayout(context, lookup.payout, failureCodeOf(bankPayout)) } };
  },

  async handle(tx, event, prepared, context) {
    const bankPayout = parseStripeObject(stripeBankPayoutSchema, event.data.object, 'bank payout');
    const target = await payoutOfBankPayoutEvent(tx, event, bankPayout);
    if (target.kind === 'ignored') return { status: 'ignored', reason: target.reason };
    const now = context.clock.now();
    const payout = target.payout;
    const code = failureCodeOf(bankPayout);
    const message = bankPayoutFailureMessage(code, bankPayout.failure_message);
    const policy = context.config.payoutRetry;
    const decision = await decideBankPayoutFailure(tx, payout, bankPayout, policy);
    const reversed = prepared.reversal?.payoutId === payout.id ? prepared.reversal : null;
    const failureAudit = (extra: Record<string, unknown>, after: Payout) =>
      recordAuditEvent(tx, {
        actor: 'stripe',
        action: BANK_PAYOUT_FAILED_ACTION,
        subjectType: 'payout',
        subjectId: payout.id,
        fromStatus: payout.status,
        toStatus: after.status,
        amount: payout.amount,
        currency: payout.currency,
        reason: `${code}: ${message}`,
        metadata: { bankPayoutId: bankPayout.id, accountId: event.account, transferId: payout.stripeTransferId, eventId: event.id, code, ...extra },
        at: now,
      });

    let after = payout;
    let effect: string;
    let reason: string | null = null;
    if (reversed && (payout.status === 'PROCESSING' || payout.status === 'PAID')) {
      // The money is back in the platform's balance whatever else changed since `prepare`.
      const exhausted = decision.action === 'reverse' && decision.exhausted;
      const attempts = payout.status === 'PROCESSING' ? payout.failedAttempts + 1 : payout.failedAttempts;
      after = await failPayout(tx, { ...payout, failedAttempts: attempts }, { actor: 'stripe', code, message, moneyBack: 'reversal', exhausted }, now);
      await failureAudit({ decision: 'reversed', reversalId: reversed.reversalId, afterPaid: payout.status === 'PAID', exhausted }, after);
      effect = payout.status === 'PAID' ? 'failed_after_paid_reversed' : 'bank_payout_failed_reversed';
      reason = `${code}: ${message}`;
    } else {
      switch (decision.action) {
        case 'none':
          effect = decision.effect;
          break;
        case 'unexpected':
          await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout, reason: decision.reason, details: { bankPayoutId: bankPayout.id, code } }, now);
          effect = 'unexpected_bank_payout_failure';
          reason = decision.reason;
          break;
        case 'park':
          throw parkedEventError('PAYOUT_TRANSFER_NOT_RECORDED', decision.reason);
        case 'reverse':
          // `prepare` saw another state and made no reversal: run again, it will.
          throw parkedEventError('PAYOUT_REVERSAL_NOT_MADE', `Bank payout ${bankPayout.id} of payout ${payout.id} failed for good, but its transfer has not been reversed yet`);
        case 'retry': {
          const failure = await recordAttemptFailure(tx, payout, { actor: 'stripe', code, message }, policy, now);
          // The failed bank payout is done with: the retry sweep makes a new one (attempt-numbered key).
          const [updated] = await tx.update(payouts).set({ stripeBankPayoutId: null, updatedAt: now }).where(eq(payouts.id, payout.id)).returning();
          after = updated!;
          await failureAudit({ decision: failure.outcome, nextRetryAt: failure.outcome === 'retry_scheduled' ? failure.nextRetryAt.toISOString() : null }, after);
          effect = 'bank_payout_retry_scheduled';
          reason = `${code}: ${message}`;
          break;
        }
      }
    }
    await recordPayoutEventAudit(tx, { event, before: payout, after, effect, reason, metadata: { bankPayoutId: bankPayout.id, accountId: event.account, foundBy: target.by } }, now);
    return { status: 'completed' };
  },
});
