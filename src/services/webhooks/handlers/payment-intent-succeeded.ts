import { recordStripePayment } from '../../payments/record-stripe-payment.js';
import { parseStripeObject, paymentFactsFrom, paymentIntentSchema } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

/**
 * `payment_intent.succeeded`: the customer paid (seed 004 §4). Records the payment (fee split,
 * HELD until the hold ends, ledger entry, audit, creator's notification) from the intent's
 * metadata `creatorId` / `bookingId`, once per payment intent. A destination charge
 * (`transfer_data.destination`) is recorded as already transferred. No `creatorId` metadata: not a
 * creator's booking, ignored; a `creatorId` naming no creator fails the event (CREATOR_NOT_FOUND)
 * so it is retried once the creator exists.
 */
export const paymentIntentSucceededHandler = defineWebhookHandler({
  async handle(tx, event, _prepared, context) {
    const intent = parseStripeObject(paymentIntentSchema, event.data.object, 'payment intent');
    if (intent.status !== 'succeeded') return { status: 'ignored', reason: `payment intent ${intent.id} is ${intent.status}, not succeeded` };
    const result = await recordStripePayment(tx, paymentFactsFrom(intent, { paidAt: new Date(event.created * 1000) }), context);
    if (result.outcome === 'not_a_creator_payment') return { status: 'ignored', reason: result.reason };
    return { status: 'completed' };
  },
});
