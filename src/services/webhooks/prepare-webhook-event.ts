import type { DbExecutor } from '../../db/database.js';
import type { ServiceContext } from '../context.js';
import { webhookHandlerFor } from './handlers/index.js';
import { describeWebhookFailure, type WebhookFailure } from './webhook-failure.js';
import type { WebhookEvent } from './webhook-event.js';

/** What the handler's `prepare` read from Stripe, or why it could not. */
export type PreparedWebhookEvent = { ok: true; value: unknown } | { ok: false; failure: WebhookFailure };

/**
 * Run the handler's `prepare` (its Stripe reads) before any transaction opens. A failure here is
 * not thrown: the event is still stored, as `failed`, and retried later like any other failure.
 */
export async function prepareWebhookEvent(event: WebhookEvent, context: ServiceContext, db: DbExecutor): Promise<PreparedWebhookEvent> {
  const handler = webhookHandlerFor(event.type);
  if (!handler?.prepare) return { ok: true, value: undefined };
  try {
    return { ok: true, value: await handler.prepare(event, context, db) };
  } catch (error) {
    return { ok: false, failure: describeWebhookFailure(error) };
  }
}
