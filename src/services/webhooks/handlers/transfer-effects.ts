import type { DbExecutor } from '../../../db/database.js';
import type { Payout } from '../../payouts/create-payout.js';
import { failPayout, recordTransferMade } from '../../payouts/payout-lifecycle.js';
import type { WebhookEvent } from '../webhook-event.js';
import { alertAdminsAboutPayout, isFullyReversed, type StripeTransferFields } from './payout-stripe-objects.js';
import { BANK_PAYOUT_FAILED_REVERSAL_REASON } from '../../payouts/reverse-payout-transfer.js';
import { bookClawback } from '../../refunds/clawback.js';

/**
 * What the `transfer.*` events do to a payout, shared by their handlers. Each returns the payout
 * as it ends and a short `effect` for the handler's audit event; nothing here calls Stripe.
 */
export interface TransferEffect {
  payout: Payout;
  effect: string;
  reason?: string;
}

/** Admin alert: Stripe reports a transfer (or a reversal) that does not fit the payout it names. */
export const UNEXPECTED_TRANSFER_ALERT = 'alert.payout_unexpected_transfer' as const;
/** Admin alert: part of a payout's transfer came back — the service does not guess what to do with a part. */
export const PARTIAL_REVERSAL_ALERT = 'alert.payout_transfer_partially_reversed' as const;

/**
 * The transfer exists (`transfer.created|updated`, legacy `transfer.paid`, or a reversal of it
 * arriving first): record it on a PROCESSING payout that has not recorded it yet — the repair of
 * a crash after Stripe made the transfer and before we wrote it down. `complete: false` records it
 * without completing the payout (a reversal follows at once: the creator is never told "paid").
 * A transfer that does not fit (another transfer already recorded, a payout that is not being
 * processed, another amount or currency) is not recorded: the admins are alerted.
 */
export async function recordTransferOfEvent(
  tx: DbExecutor,
  event: WebhookEvent,
  payout: Payout,
  transfer: StripeTransferFields,
  options: { complete: boolean },
  now: Date,
): Promise<TransferEffect> {
  if (payout.stripeTransferId === transfer.id && payout.transferredAt !== null) return { payout, effect: 'transfer_already_recorded' };
  let problem: string | undefined;
  if (payout.stripeTransferId !== null && payout.stripeTransferId !== transfer.id) {
    problem = `payout ${payout.id} records transfer ${payout.stripeTransferId}, and Stripe reports a second transfer ${transfer.id} for it: check for a duplicate transfer`;
  } else if (payout.status !== 'PROCESSING') {
    problem = `Stripe reports transfer ${transfer.id} for payout ${payout.id}, which is ${payout.status}: the money left the platform for a payout that is not being processed`;
  } else if (BigInt(transfer.amount) !== payout.amount || transfer.currency.toLowerCase() !== payout.currency) {
    problem = `transfer ${transfer.id} is ${transfer.amount} ${transfer.currency}, payout ${payout.id} is ${payout.amount} ${payout.currency}`;
  }
  if (problem) {
    await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout, reason: problem, details: { transferId: transfer.id } }, now);
    return { payout, effect: 'unexpected_transfer', reason: problem };
  }
  // recordTransferMade completes the payout unless it waits for a bank payout; presenting it as
  // waiting keeps it PROCESSING (the row's own flag is not changed).
  const recorded = await recordTransferMade(tx, options.complete ? payout : { ...payout, awaitsBankPayout: true }, { actor: 'stripe', transferId: transfer.id }, now);
  return { payout: recorded, effect: 'transfer_recorded' };
}

/**
 * What of the transfer our clawbacks reversed (reason `clawback-<n>`, `src/services/refunds/clawback.ts`).
 * The clawback books its own ledger entry, so those reversals must not fail the payout too.
 */
export function clawbackReversedAmount(transfer: StripeTransferFields): number {
  return (transfer.reversals?.data ?? []).filter((reversal) => (reversal.metadata.reason ?? '').startsWith('clawback-')).reduce((sum, reversal) => sum + reversal.amount, 0);
}

/** The failure a full reversal stands for: the bank payout's code when we reversed it ourselves, else `transfer_reversed`. */
export function reversalFailure(transfer: StripeTransferFields): { code: string; message: string } {
  for (const reversal of transfer.reversals?.data ?? []) {
    const [kind, code] = (reversal.metadata.reason ?? '').split(':');
    if (kind === BANK_PAYOUT_FAILED_REVERSAL_REASON && code) return { code, message: bankPayoutFailureMessage(code) };
  }
  return { code: 'transfer_reversed', message: `The transfer ${transfer.id} to your Stripe account was reversed; the money is back in your available balance` };
}

/** What the creator should do about a failed bank payout, in plain words. */
export function bankPayoutFailureMessage(code: string, stripeMessage?: string | null): string {
  const fix: Record<string, string> = {
    account_closed: 'the bank account has been closed: add a new bank account in your Stripe account',
    no_account: 'the bank could not find the account: check the account number in your Stripe account',
    invalid_account_number: 'the account number is invalid: correct it in your Stripe account',
    account_frozen: 'the bank account is frozen: contact your bank or add another account',
    invalid_currency: 'the bank account cannot receive this currency: add an account in this currency',
    debit_not_authorized: 'the bank refused the transfer: contact your bank',
    insufficient_funds: 'the payout could not be funded',
  };
  const what = fix[code] ?? 'the bank rejected the payout: check your bank details in your Stripe account';
  return `Your bank payout failed (${code}${stripeMessage ? `: ${stripeMessage}` : ''}) — ${what}. The money is back in your available balance.`;
}

/**
 * The payout's transfer came back. In full: the payout FAILS with a `reversal` ledger entry, the
 * money returns to the creator's `available`, the payments to READY, the creator is told (unless
 * it has FAILED already: nothing more). In part: an audit event and an admin alert, the payout
 * unchanged — a partial reversal is an admin's decision made in Stripe, and the rest is still
 * the creator's; so is a full reversal of which part was a clawback. Reversals made by a clawback
 * are booked as clawbacks (`bookClawback`, once per reversal: here when the clawback's own request
 * died before booking it). A reversal that arrives before its transfer was recorded, for a
 * PROCESSING payout, records the transfer first.
 */
export async function applyTransferReversal(tx: DbExecutor, event: WebhookEvent, payout: Payout, transfer: StripeTransferFields, now: Date): Promise<TransferEffect> {
  let current = payout;
  let outOfOrder = false;
  if (current.stripeTransferId !== transfer.id) {
    if (current.stripeTransferId !== null || current.status !== 'PROCESSING') {
      const reason =
        current.stripeTransferId === null
          ? `transfer ${transfer.id} of payout ${payout.id} (${payout.status}, no transfer recorded) was reversed`
          : `transfer ${transfer.id} was reversed, but payout ${payout.id} records transfer ${current.stripeTransferId}`;
      await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout, reason, details: { transferId: transfer.id, amountReversed: transfer.amount_reversed ?? 0 } }, now);
      return { payout, effect: 'unexpected_reversal', reason };
    }
    const recorded = await recordTransferOfEvent(tx, event, current, transfer, { complete: false }, now);
    if (recorded.effect !== 'transfer_recorded') return recorded;
    current = recorded.payout;
    outOfOrder = true;
  }
  // Our clawbacks' reversals that are not booked yet: the admin's request died between Stripe's
  // answer and its booking (crash point clawback.reversal-made). Booked here, once per reversal.
  for (const reversal of transfer.reversals?.data ?? []) {
    if (!(reversal.metadata.reason ?? '').startsWith('clawback-')) continue;
    const reason = `Clawback reversal ${reversal.id}, booked from Stripe's ${event.type} (${event.id}): the request that made it did not finish`;
    await bookClawback(tx, { payout: current, reversal: { id: reversal.id, amount: BigInt(reversal.amount) }, reason, actor: 'stripe' }, now);
  }
  const clawedBack = clawbackReversedAmount(transfer);
  if (clawedBack > 0 && (transfer.amount_reversed ?? 0) <= clawedBack) {
    // Reversals an admin's clawback made (`clawbackByTransferReversal`): booked by the clawback itself.
    return { payout: current, effect: 'clawback_reversal' };
  }
  if (!isFullyReversed(transfer) || clawedBack > 0) {
    const byClawbacks = clawedBack > 0 ? ` (${clawedBack} of it by clawbacks)` : '';
    const reason = `${transfer.amount_reversed ?? 0} of ${transfer.amount} ${transfer.currency} of transfer ${transfer.id} was reversed${byClawbacks}; the payout is unchanged: settle the rest with the creator`;
    await alertAdminsAboutPayout(tx, { topic: PARTIAL_REVERSAL_ALERT, event, payout: current, reason, details: { transferId: transfer.id, amountReversed: transfer.amount_reversed ?? 0 } }, now);
    return { payout: current, effect: outOfOrder ? 'transfer_recorded_then_partial_reversal' : 'partial_reversal', reason };
  }
  if (current.status === 'FAILED') return { payout: current, effect: 'already_failed' };
  if (current.status !== 'PROCESSING' && current.status !== 'PAID') {
    const reason = `transfer ${transfer.id} was reversed while payout ${current.id} is ${current.status}`;
    await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout: current, reason, details: { transferId: transfer.id } }, now);
    return { payout: current, effect: 'unexpected_reversal', reason };
  }
  const failure = reversalFailure(transfer);
  const failed = await failPayout(tx, current, { actor: 'stripe', ...failure, moneyBack: 'reversal' }, now);
  return { payout: failed, effect: outOfOrder ? 'transfer_recorded_then_reversed' : 'transfer_reversed', reason: `${failure.code}: ${failure.message}` };
}
