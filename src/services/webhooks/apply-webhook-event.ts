import type { DbExecutor } from '../../db/database.js';
import type { ServiceContext } from '../context.js';
import { webhookHandlerFor } from './handlers/index.js';
import type { PreparedWebhookEvent } from './prepare-webhook-event.js';
import { describeWebhookFailure, type WebhookFailure } from './webhook-failure.js';
import type { WebhookEvent } from './webhook-event.js';

export type WebhookAttemptResult = { status: 'completed' } | { status: 'ignored'; reason: string } | { status: 'failed'; failure: WebhookFailure };

/**
 * Run the event's handler inside `tx`, in a savepoint of its own: when the handler throws, its
 * writes are rolled back and the failure is returned, while the caller's transaction (which holds
 * the event row) stays usable to record it. An event type without a handler is `ignored`.
 */
export async function applyWebhookEvent(tx: DbExecutor, event: WebhookEvent, prepared: PreparedWebhookEvent, context: ServiceContext): Promise<WebhookAttemptResult> {
  const handler = webhookHandlerFor(event.type);
  if (!handler) return { status: 'ignored', reason: `no handler for ${event.type} events` };
  if (!prepared.ok) return { status: 'failed', failure: prepared.failure };
  try {
    return await tx.transaction((savepoint) => handler.handle(savepoint, event, prepared.value, context));
  } catch (error) {
    return { status: 'failed', failure: describeWebhookFailure(error) };
  }
}
