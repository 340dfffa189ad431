import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { failPayout, recordAttemptFailure } from '../../payouts/payout-lifecycle.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import { alertAdminsAboutPayout, findPayoutForTransfer, PAYOUT_STRIPE_EVENT_ACTION, parkedEventError, payoutAuditExists, recordPayoutEventAudit, stripeTransferSchema } from './payout-stripe-objects.js';
import { UNEXPECTED_TRANSFER_ALERT, type TransferEffect } from './transfer-effects.js';

const FAILURE_RECORDED = 'transfer_failure_recorded';

/**
 * The legacy `transfer.failed` (API versions before 2017-04-06; seeds 000–002): the payout's
 * transfer failed, with the event's `failure_code`.
 * - No transfer recorded yet (the PROCESSING payout is still trying): a failed attempt —
 *   `recordAttemptFailure`: a retryable code with retries left waits for the retry sweep, else
 *   the payout FAILS and its reservation is released. Counted once per transfer.
 * - The transfer was recorded (the money had left): the money came back, as with a reversal —
 *   the payout FAILS with a `reversal` entry (unless it has FAILED already).
 */
export const transferFailedHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const transfer = parseStripeObject(stripeTransferSchema, event.data.object, 'transfer');
    const lookup = await findPayoutForTransfer(tx, transfer, { lock: true });
    if (lookup.kind === 'none') return { status: 'ignored', reason: `transfer ${transfer.id} names no payout of ours (no payoutId metadata, no payout_ transfer group, not a recorded transfer)` };
    if (lookup.kind === 'missing') throw parkedEventError('PAYOUT_NOT_FOUND', `Failed transfer ${transfer.id} names payout ${lookup.payoutId} (${lookup.by}), which does not exist`);
    const now = context.clock.now();
    const payout = lookup.payout;
    const code = (transfer.failure_code ?? 'transfer_failed').toLowerCase();
    const message = transfer.failure_message ?? `Stripe reported the transfer ${transfer.id} to your Stripe account as failed`;

    let result: TransferEffect;
    const unexpected = async (reason: string): Promise<TransferEffect> => {
      await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout, reason, details: { transferId: transfer.id, code } }, now);
      return { payout, effect: 'unexpected_transfer_failure', reason };
    };
    if (payout.status === 'FAILED') {
      result = { payout, effect: 'already_failed' };
    } else if (payout.stripeTransferId === transfer.id && payout.transferredAt !== null) {
      result =
        payout.status === 'PROCESSING' || payout.status === 'PAID'
          ? { payout: await failPayout(tx, payout, { actor: 'stripe', code, message, moneyBack: 'reversal' }, now), effect: 'transfer_failed_money_back', reason: `${code}: ${message}` }
          : await unexpected(`transfer ${transfer.id} failed while payout ${payout.id} is ${payout.status}`);
    } else if (payout.stripeTransferId !== null) {
      result = await unexpected(`transfer ${transfer.id} failed, but payout ${payout.id} records transfer ${payout.stripeTransferId}`);
    } else if (payout.status !== 'PROCESSING') {
      result = await unexpected(`transfer ${transfer.id} failed while payout ${payout.id} is ${payout.status}`);
    } else if (await payoutAuditExists(tx, payout.id, PAYOUT_STRIPE_EVENT_ACTION, { effect: FAILURE_RECORDED, transferId: transfer.id })) {
      result = { payout, effect: 'transfer_failure_already_recorded' };
    } else {
      const failure = await recordAttemptFailure(tx, payout, { actor: 'stripe', code, message }, context.config.payoutRetry, now);
      result = { payout: failure.payout, effect: FAILURE_RECORDED, reason: `${code}: ${message} (${failure.outcome})` };
    }
    await recordPayoutEventAudit(tx, { event, before: payout, after: result.payout, effect: result.effect, reason: result.reason ?? null, metadata: { transferId: transfer.id, code, foundBy: lookup.by } }, now);
    return { status: 'completed' };
  },
});
