import { recordStripePayment } from '../../payments/record-stripe-payment.js';
import { checkoutSessionSchema, parseStripeObject, paymentFactsFrom, paymentIntentSchema, type CheckoutSessionFields, type PaymentIntentFields } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

interface PreparedCheckout {
  session: CheckoutSessionFields;
  /** Null when the session is not (yet) paid: nothing to record. */
  intent: PaymentIntentFields | null;
}

/**
 * `checkout.session.completed` (and `checkout.session.async_payment_succeeded`): a booking
 * checkout opened with `POST /api/checkout/sessions` was paid. The session's metadata names the
 * creator and booking; the payment intent — read from Stripe before the transaction, since the
 * session does not say whether it was a destination charge — is the payment's external id, so
 * this event and `payment_intent.succeeded` for the same checkout make one payment, in either
 * order. Sessions still awaiting an asynchronous payment are ignored (the later
 * `async_payment_succeeded` records them).
 */
export const checkoutSessionCompletedHandler = defineWebhookHandler<PreparedCheckout>({
  async prepare(event, context) {
    const session = parseStripeObject(checkoutSessionSchema, event.data.object, 'Checkout session');
    if (session.payment_status !== 'paid' || !session.payment_intent) return { session, intent: null };
    const intent = parseStripeObject(paymentIntentSchema, await context.stripe.retrievePaymentIntent(session.payment_intent), 'payment intent');
    return { session, intent };
  },
  async handle(tx, event, { session, intent }, context) {
    if (session.mode && session.mode !== 'payment') return { status: 'ignored', reason: `Checkout session ${session.id} is a ${session.mode} session, not a payment` };
    if (!intent) return { status: 'ignored', reason: `Checkout session ${session.id} is ${session.payment_status}, not paid` };
    if (intent.status !== 'succeeded') return { status: 'ignored', reason: `payment intent ${intent.id} of Checkout session ${session.id} is ${intent.status}, not succeeded` };
    const result = await recordStripePayment(tx, paymentFactsFrom(intent, { paidAt: new Date(event.created * 1000), session }), context);
    if (result.outcome === 'not_a_creator_payment') return { status: 'ignored', reason: result.reason };
    return { status: 'completed' };
  },
});
