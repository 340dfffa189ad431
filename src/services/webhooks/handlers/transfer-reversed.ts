import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';
import { findPayoutForTransfer, parkedEventError, recordPayoutEventAudit, stripeTransferSchema } from './payout-stripe-objects.js';
import { applyTransferReversal } from './transfer-effects.js';

/**
 * `transfer.reversed`: (part of) a payout's transfer came back to the platform. In full, the
 * payout FAILS with its money back in the creator's available balance (ledger `reversal`), its
 * payments READY again, and the creator told why — unless it has FAILED already. In part: an
 * audit event and an admin alert, nothing else. Out of order: a reversal of a transfer not yet
 * recorded, for a PROCESSING payout its metadata names, records the transfer first; one naming a
 * payout we do not have is parked (`failed`, applied by the retry sweep once the payout exists).
 */
export const transferReversedHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const transfer = parseStripeObject(stripeTransferSchema, event.data.object, 'transfer');
    const lookup = await findPayoutForTransfer(tx, transfer, { lock: true });
    if (lookup.kind === 'none') return { status: 'ignored', reason: `transfer ${transfer.id} names no payout of ours (no payoutId metadata, no payout_ transfer group, not a recorded transfer)` };
    if (lookup.kind === 'missing') throw parkedEventError('PAYOUT_NOT_FOUND', `Reversed transfer ${transfer.id} names payout ${lookup.payoutId} (${lookup.by}), which does not exist`);
    const now = context.clock.now();
    const result = await applyTransferReversal(tx, event, lookup.payout, transfer, now);
    await recordPayoutEventAudit(
      tx,
      { event, before: lookup.payout, after: result.payout, effect: result.effect, reason: result.reason ?? null, metadata: { transferId: transfer.id, amountReversed: transfer.amount_reversed ?? 0, foundBy: lookup.by } },
      now,
    );
    return { status: 'completed' };
  },
});
