import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { defaultWebhookRetryPolicy, nextWebhookRetryAt, type WebhookRetryPolicy } from '../../domain/webhooks/retry-schedule.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { WebhookAttemptResult } from './apply-webhook-event.js';
import { webhookErrorText } from './webhook-failure.js';

export type WebhookEventRow = typeof webhookEvents.$inferSelect;

/**
 * Write the outcome of an attempt on the event row, in the attempt's transaction: `completed`,
 * `ignored` (with why, in `error`), or `failed` with the error and the time of the next automatic
 * retry — none once `attempts` reaches the policy's cap, when the admins are told through the
 * outbox and only a manual retry remains.
 */
export async function recordWebhookAttempt(
  tx: DbExecutor,
  input: { eventId: string; eventType: string; attempts: number; result: WebhookAttemptResult; now: Date; policy?: WebhookRetryPolicy },
): Promise<WebhookEventRow> {
  const { result, now } = input;
  const nextRetryAt = result.status === 'failed' ? nextWebhookRetryAt(input.attempts, now, input.policy ?? defaultWebhookRetryPolicy) : null;
  const error = result.status === 'failed' ? webhookErrorText(result.failure) : result.status === 'ignored' ? result.reason : null;
  const [row] = await tx
    .update(webhookEvents)
    .set({ status: result.status, attempts: input.attempts, error, processedAt: now, nextRetryAt })
    .where(eq(webhookEvents.id, input.eventId))
    .returning();
  if (!row) throw new AppError('WEBHOOK_EVENT_NOT_FOUND', `Webhook event ${input.eventId} vanished during its own transaction`, { kind: 'internal' });
  if (result.status === 'failed' && nextRetryAt === null) {
    await enqueueMessage(tx, {
      topic: 'alert.webhook_retries_exhausted',
      recipient: 'admins',
      payload: { eventId: input.eventId, type: input.eventType, attempts: input.attempts, error },
      dedupeKey: `alert.webhook_retries_exhausted:${input.eventId}:${input.attempts}`,
      at: now,
    });
  }
  return row;
}
