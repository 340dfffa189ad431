import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import { findPayoutForTransfer, isFullyReversed, parkedEventError, recordPayoutEventAudit, stripeTransferSchema } from './payout-stripe-objects.js';
import { applyTransferReversal, recordTransferOfEvent } from './transfer-effects.js';

/**
 * `transfer.created`, `transfer.updated` and the legacy `transfer.paid`: a payout's transfer
 * exists. Finds the payout (metadata `payoutId`, else transfer group `payout_<id>`, else the
 * recorded transfer id) and records the transfer if it has not been — the repair of a crash
 * between Stripe making the transfer and our recording it — so the payout is PAID, or keeps
 * waiting for the connected account's bank payout. A `transfer.updated` that shows the transfer
 * fully reversed is handled as `transfer.reversed`. Always writes the handler's audit event.
 * A transfer naming no payout is ignored; one naming a payout we do not have is parked.
 */
export const transferCreatedHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const transfer = parseStripeObject(stripeTransferSchema, event.data.object, 'transfer');
    const lookup = await findPayoutForTransfer(tx, transfer, { lock: true });
    if (lookup.kind === 'none') return { status: 'ignored', reason: `transfer ${transfer.id} names no payout of ours (no payoutId metadata, no payout_ transfer group, not a recorded transfer)` };
    if (lookup.kind === 'missing') throw parkedEventError('PAYOUT_NOT_FOUND', `Transfer ${transfer.id} names payout ${lookup.payoutId} (${lookup.by}), which does not exist`);
    const now = context.clock.now();
    const before = lookup.payout;
    const result =
      event.type === 'transfer.updated' && isFullyReversed(transfer)
        ? await applyTransferReversal(tx, event, before, transfer, now)
        : await recordTransferOfEvent(tx, event, before, transfer, { complete: true }, now);
    await recordPayoutEventAudit(tx, { event, before, after: result.payout, effect: result.effect, reason: result.reason ?? null, metadata: { transferId: transfer.id, foundBy: lookup.by } }, now);
    return { status: 'completed' };
  },
});
