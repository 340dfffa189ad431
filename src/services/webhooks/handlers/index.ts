import type { RegisteredWebhookHandler } from '../webhook-event-handler.js';
import { accountUpdatedHandler } from './account-updated.js';
import { chargeDisputeHandler } from './charge-dispute.js';
import { chargeRefundedHandler } from './charge-refunded.js';
import { checkoutSessionCompletedHandler } from './checkout-session-completed.js';
import { paymentIntentSucceededHandler } from './payment-intent-succeeded.js';
import { payoutCreatedHandler } from './payout-created.js';
import { payoutFailedHandler } from './payout-failed.js';
import { payoutPaidHandler } from './payout-paid.js';
import { transferCreatedHandler } from './transfer-created.js';
import { transferFailedHandler } from './transfer-failed.js';
import { transferReversedHandler } from './transfer-reversed.js';

/**
 * Stripe event type → handler. To handle a new type: write `handlers/<event-type>.ts` exporting a
 * `defineWebhookHandler({...})` and add it here; see docs/webhooks.md. Types without a handler
 * are stored as `ignored` and acknowledged — an admin can replay them with
 * `POST /api/admin/webhooks/:id/retry` once a handler exists.
 */
export const webhookEventHandlers: Readonly<Record<string, RegisteredWebhookHandler>> = {
  'payment_intent.succeeded': paymentIntentSucceededHandler,
  'checkout.session.completed': checkoutSessionCompletedHandler,
  'checkout.session.async_payment_succeeded': checkoutSessionCompletedHandler,
  'account.updated': accountUpdatedHandler,
  'charge.refunded': chargeRefundedHandler,
  'charge.dispute.created': chargeDisputeHandler,
  'charge.dispute.closed': chargeDisputeHandler,
  // Money out (docs/webhooks.md "Payout events").
  'transfer.created': transferCreatedHandler,
  'transfer.updated': transferCreatedHandler,
  'transfer.paid': transferCreatedHandler,
  'transfer.reversed': transferReversedHandler,
  'transfer.failed': transferFailedHandler,
  'payout.created': payoutCreatedHandler,
  'payout.paid': payoutPaidHandler,
  'payout.failed': payoutFailedHandler,
};

export function webhookHandlerFor(type: string): RegisteredWebhookHandler | undefined {
  return Object.hasOwn(webhookEventHandlers, type) ? webhookEventHandlers[type] : undefined;
}
