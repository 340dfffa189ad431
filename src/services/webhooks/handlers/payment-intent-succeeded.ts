import { recordStripePayment, recordStripePaymentWithEvent } from '../../payments/record-stripe-payment.js';
import { parseStripeObject, paymentFactsFrom, paymentIntentSchema } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

/**
 * `payment_intent.succeeded`: the customer paid (seed 004 §4). Records the payment (fee split,
 * HELD until the hold ends, ledger entry, audit, creator's notification) from the intent's
 * metadata `creatorId` / `bookingId`, once per payment intent. A destination charge
 * (`transfer_data.destination`) is recorded as already transferred. No `creatorId` metadata: not a
 * creator's booking, ignored; a `creatorId` naming no creator fails the event (CREATOR_NOT_FOUND)
 * so it is retried once the creator exists.
 *
 * `receive` is the same in one statement for a creator's new payment (the bench's hot path:
 * bench/webhook-ingest.ts); anything else — not succeeded, no creatorId, a destination charge, no
 * such creator, a payment already recorded — goes through `handle` in the ingestion transaction.
 */
export const paymentIntentSucceededHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const intent = parseStripeObject(paymentIntentSchema, event.data.object, 'payment intent');
    if (intent.status !== 'succeeded') return { status: 'ignored', reason: `payment intent ${intent.id} is ${intent.status}, not succeeded` };
    const result = await recordStripePayment(tx, paymentFactsFrom(intent, { paidAt: new Date(event.created * 1000) }), context);
    if (result.outcome === 'not_a_creator_payment') return { status: 'ignored', reason: result.reason };
    return { status: 'completed' };
  },
  async receive(db, event, row, context) {
    const intent = paymentIntentSchema.safeParse(event.data.object);
    if (!intent.success || intent.data.status !== 'succeeded') return undefined;
    const result = await recordStripePaymentWithEvent(db, row, paymentFactsFrom(intent.data, { paidAt: new Date(event.created * 1000) }), context);
    return result === 'recorded' ? 'completed' : result;
  },
});
