import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { completePayout } from '../../payouts/payout-lifecycle.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import { alertAdminsAboutPayout, bankPayoutFailureRecorded, parkedEventError, payoutOfBankPayoutEvent, recordPayoutEventAudit, stripeBankPayoutSchema } from './payout-stripe-objects.js';
import { UNEXPECTED_TRANSFER_ALERT } from './transfer-effects.js';

/**
 * `payout.paid` (a Connect event): the bank payout the service made on a creator's connected
 * account (manual payout schedule, `awaitsBankPayout`) reached the bank, so the payout is PAID —
 * its payments PAID, the creator told. A payout already PAID or FAILED is left as it is (FAILED is
 * final: a late `payout.paid` of a bank payout whose failure was applied changes nothing). A
 * PROCESSING payout whose transfer is not recorded yet parks the event until it is.
 */
export const payoutPaidHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const bankPayout = parseStripeObject(stripeBankPayoutSchema, event.data.object, 'bank payout');
    const target = await payoutOfBankPayoutEvent(tx, event, bankPayout);
    if (target.kind === 'ignored') return { status: 'ignored', reason: target.reason };
    const now = context.clock.now();
    const payout = target.payout;
    let after = payout;
    let effect: string;
    let reason: string | null = null;
    if (payout.status === 'PAID' || payout.status === 'FAILED') {
      effect = payout.status === 'PAID' ? 'already_paid' : 'already_failed';
    } else if (await bankPayoutFailureRecorded(tx, payout.id, bankPayout.id)) {
      effect = 'bank_payout_failed_earlier';
    } else if (payout.status === 'PROCESSING') {
      if (payout.transferredAt === null) throw parkedEventError('PAYOUT_TRANSFER_NOT_RECORDED', `Bank payout ${bankPayout.id} of payout ${payout.id} was paid, but the payout's transfer is not recorded yet`);
      after = await completePayout(
        tx,
        payout,
        { actor: 'stripe', set: { stripeBankPayoutId: bankPayout.id, leaseUntil: null, nextRetryAt: null, lastErrorCode: null, failureReason: null }, metadata: { bankPayoutId: bankPayout.id, eventId: event.id } },
        now,
      );
      effect = 'payout_paid';
    } else {
      reason = `bank payout ${bankPayout.id} was paid for payout ${payout.id}, which is ${payout.status}`;
      await alertAdminsAboutPayout(tx, { topic: UNEXPECTED_TRANSFER_ALERT, event, payout, reason, details: { bankPayoutId: bankPayout.id } }, now);
      effect = 'unexpected_bank_payout';
    }
    await recordPayoutEventAudit(tx, { event, before: payout, after, effect, reason, metadata: { bankPayoutId: bankPayout.id, accountId: event.account, foundBy: target.by } }, now);
    return { status: 'completed' };
  },
});
