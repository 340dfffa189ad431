import { eq } from 'drizzle-orm';
import { payouts } from '../../../db/schema/index.js';
import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import { bankPayoutFailureRecorded, payoutOfBankPayoutEvent, recordPayoutEventAudit, stripeBankPayoutSchema } from './payout-stripe-objects.js';

/**
 * `payout.created` (a Connect event: a bank payout of a creator's connected account): when it is
 * the bank payout of one of our payouts (metadata `payoutId`, set by `createConnectedPayout`)
 * that has not recorded one yet — the saga crashed before writing it down, or the event beat it —
 * its id is recorded. A bank payout whose failure was applied already is never recorded again
 * (the retry must make a new one). Always writes the handler's audit event.
 */
export const payoutCreatedHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const bankPayout = parseStripeObject(stripeBankPayoutSchema, event.data.object, 'bank payout');
    const target = await payoutOfBankPayoutEvent(tx, event, bankPayout);
    if (target.kind === 'ignored') return { status: 'ignored', reason: target.reason };
    const now = context.clock.now();
    const payout = target.payout;
    let after = payout;
    let effect: string;
    if (payout.stripeBankPayoutId === bankPayout.id) {
      effect = 'bank_payout_already_recorded';
    } else if (await bankPayoutFailureRecorded(tx, payout.id, bankPayout.id)) {
      effect = 'bank_payout_failed_earlier';
    } else if (payout.stripeBankPayoutId === null && payout.status === 'PROCESSING' && payout.transferredAt !== null) {
      const [updated] = await tx.update(payouts).set({ stripeBankPayoutId: bankPayout.id, leaseUntil: null, updatedAt: now }).where(eq(payouts.id, payout.id)).returning();
      after = updated!;
      effect = 'bank_payout_recorded';
    } else {
      effect = 'bank_payout_not_recorded';
    }
    await recordPayoutEventAudit(tx, { event, before: payout, after, effect, metadata: { bankPayoutId: bankPayout.id, accountId: event.account, foundBy: target.by } }, now);
    return { status: 'completed' };
  },
});
