import type { RegisteredWebhookHandler } from '../webhook-event-handler.js';
import { accountUpdatedHandler } from './account-updated.js';
import { checkoutSessionCompletedHandler } from './checkout-session-completed.js';
import { paymentIntentSucceededHandler } from './payment-intent-succeeded.js';

/**
 * Stripe event type → handler. To handle a new type: write `handlers/<event-type>.ts` exporting a
 * `defineWebhookHandler({...})` and add it here; see docs/webhooks.md. Types without a handler
 * are stored as `ignored` and acknowledged — an admin can replay them with
 * `POST /api/admin/webhooks/:id/retry` once a handler exists.
 *
 * Still to come (their issues): `charge.refunded`, `charge.dispute.created|closed`,
 * `transfer.created|reversed|updated`, `transfer.paid|failed`, `payout.created|paid|failed`.
 */
export const webhookEventHandlers: Readonly<Record<string, RegisteredWebhookHandler>> = {
  'payment_intent.succeeded': paymentIntentSucceededHandler,
  'checkout.session.completed': checkoutSessionCompletedHandler,
  'checkout.session.async_payment_succeeded': checkoutSessionCompletedHandler,
  'account.updated': accountUpdatedHandler,
};

export function webhookHandlerFor(type: string): RegisteredWebhookHandler | undefined {
  return Object.hasOwn(webhookEventHandlers, type) ? webhookEventHandlers[type] : undefined;
}
