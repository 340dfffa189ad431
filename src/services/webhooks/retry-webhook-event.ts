import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { WebhookRetryPolicy } from '../../domain/webhooks/retry-schedule.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { applyWebhookEvent } from './apply-webhook-event.js';
import { prepareWebhookEvent } from './prepare-webhook-event.js';
import { recordWebhookAttempt, type WebhookEventRow } from './record-webhook-attempt.js';
import { parseWebhookEvent } from './webhook-event.js';

/**
 * An admin's "retry" on one stored event (`POST /api/admin/webhooks/:id/retry`): runs it again
 * from its stored payload, now, whatever its retry schedule and even after the automatic retries
 * are exhausted. `failed` and `ignored` events may be retried (an ignored type is handled once a
 * handler for it exists); a `completed` one is refused, as is one the sweep is running right now.
 * The attempt and the admin's action are written in one transaction with the handler's effects.
 *
 * @throws AppError WEBHOOK_EVENT_NOT_FOUND (404), WEBHOOK_EVENT_ALREADY_COMPLETED (409),
 *   WEBHOOK_EVENT_IN_PROGRESS (409)
 */
export async function retryWebhookEvent(
  db: DbExecutor,
  context: ServiceContext,
  input: { eventId: string; actor: Actor; policy?: WebhookRetryPolicy },
): Promise<WebhookEventRow> {
  const [stored] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, input.eventId));
  if (!stored) throw new AppError('WEBHOOK_EVENT_NOT_FOUND', `No webhook event ${input.eventId}`, { kind: 'not_found' });
  assertRetryable(stored, context.clock.now());
  const event = parseWebhookEvent(stored.payload);
  const prepared = await prepareWebhookEvent(event, context, db);

  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(webhookEvents).where(eq(webhookEvents.id, input.eventId)).for('update');
    if (!row) throw new AppError('WEBHOOK_EVENT_NOT_FOUND', `No webhook event ${input.eventId}`, { kind: 'not_found' });
    const now = context.clock.now();
    assertRetryable(row, now);
    const result = await applyWebhookEvent(tx, event, prepared, context);
    const updated = await recordWebhookAttempt(tx, { eventId: row.id, eventType: row.type, attempts: row.attempts + 1, result, now, ...(input.policy && { policy: input.policy }) });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'webhook_event.retried',
      subjectType: 'webhook_event',
      subjectId: row.id,
      fromStatus: row.status,
      toStatus: updated.status,
      metadata: { type: row.type, attempts: updated.attempts, ...(updated.error && { error: updated.error }) },
      at: now,
    });
    return updated;
  });
}

function assertRetryable(row: WebhookEventRow, now: Date): void {
  if (row.status === 'completed') {
    throw new AppError('WEBHOOK_EVENT_ALREADY_COMPLETED', `Webhook event ${row.id} was processed successfully; there is nothing to retry`, { kind: 'conflict' });
  }
  if (row.status === 'processing' && row.nextRetryAt && row.nextRetryAt > now) {
    throw new AppError('WEBHOOK_EVENT_IN_PROGRESS', `Webhook event ${row.id} is being retried right now; look again in a moment`, { kind: 'conflict' });
  }
}
