import { z } from 'zod';
import { crashPoint } from '../../providers/crash-points/index.js';
import { assertStorableText } from '../../domain/text/storable-text.js';
import { ingestWebhookEvent } from '../../services/webhooks/ingest-webhook-event.js';
import type { App } from '../app.js';
import { errorReplySchema } from '../error-handler.js';

/**
 * The webhook endpoint and the seeds' aliases, each with the service name its health check
 * answers (seed 002: `{"status":"ok","service":"stripe-payouts-webhook",…}`).
 */
export const stripeWebhookPaths: Readonly<Record<string, string>> = {
  '/api/webhooks/stripe': 'stripe-webhook',
  '/api/payments/webhook': 'payments-webhook',
  '/api/webhooks/stripe-payouts': 'stripe-payouts-webhook',
  '/api/webhooks/stripe-subscription': 'stripe-subscription-webhook',
};

const receivedSchema = z.object({
  received: z.literal(true),
  duplicate: z.literal(true).optional().describe('This event id was received before: acknowledged, not processed again'),
});

/**
 * `POST /api/webhooks/stripe` (and aliases): Stripe's events (docs/webhooks.md). A scope of its
 * own whose only body parser keeps the raw bytes — the signature covers exactly those bytes, so
 * the body must not be parsed and re-serialised before `verifyWebhook`. A bad, missing or stale
 * signature, or an altered body, is a 400 and nothing is stored. A verified event is stored and
 * processed once (`ingestWebhookEvent`); a handler failure is stored as a `failed` event and still
 * answered 200, because we retry it ourselves — Stripe's retries would only repeat the duplicate.
 * Register it with `app.register(stripeWebhookRoutes)`: it must stay encapsulated.
 */
export async function stripeWebhookRoutes(app: App): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  for (const [path, service] of Object.entries(stripeWebhookPaths)) {
    app.post(
      path,
      {
        schema: {
          summary: 'Receive a Stripe event (signed with Stripe-Signature)',
          description:
            'The raw body is verified against every configured signing secret (its timestamp within 5 minutes of now, past or future). ' +
            'An event holding text PostgreSQL cannot store (a NUL character, an unpaired surrogate) is a 400 INVALID_TEXT and is not stored. ' +
            'Each event id is processed once: a repeat answers `{received: true, duplicate: true}`. ' +
            'An event whose processing fails is stored as failed, retried by the service, and still acknowledged with 200.',
          tags: ['webhooks'],
          headers: z.object({ 'stripe-signature': z.string().optional() }).loose(),
          response: { 200: receivedSchema, '4xx': errorReplySchema, 503: errorReplySchema },
        },
      },
      async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const event = app.deps.stripe.verifyWebhook(raw, request.headers['stripe-signature']);
        // The raw body escapes the app's text guard: the same rule on the event it carries, before it is stored.
        assertStorableText(event, 'body');
        const result = await ingestWebhookEvent(app.deps.database.db, event, app.deps);
        crashPoint('webhook.committed');
        const log = { eventId: result.eventId, eventType: event.type, outcome: result.status };
        if (result.status === 'failed') request.log.warn({ ...log, errorCode: result.failure.code }, `webhook event failed: ${result.failure.message}`);
        else request.log.info(log, 'webhook event received');
        return result.status === 'duplicate' ? { received: true as const, duplicate: true as const } : { received: true as const };
      },
    );
    app.get(
      path,
      {
        schema: {
          summary: 'Health check of the webhook endpoint',
          tags: ['webhooks'],
          response: { 200: z.object({ status: z.literal('ok'), service: z.string(), timestamp: z.string() }) },
        },
      },
      async () => ({ status: 'ok' as const, service, timestamp: app.deps.clock.now().toISOString() }),
    );
  }
}
