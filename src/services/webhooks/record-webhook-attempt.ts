import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { defaultWebhookRetryPolicy, nextWebhookRetryAt, type WebhookRetryPolicy } from '../../domain/webhooks/retry-schedule.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import { resolveAlertsByFingerprint } from '../alerts/resolve-cleared-alerts.js';
import type { WebhookAttemptResult } from './apply-webhook-event.js';
import { webhookErrorText } from './webhook-failure.js';

export type WebhookEventRow = typeof webhookEvents.$inferSelect;

/**
 * Write the outcome of an attempt on the event row, in the attempt's transaction: `completed`,
 * `ignored` (with why, in `error`), or `failed` with the error and the time of the next automatic
 * retry — none once `attempts` reaches the policy's cap, when an alert tells the admins and only
 * a manual retry remains (the alert resolves itself when a retry succeeds).
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
    // One alert per event while it stays failed (a manual retry that fails again counts an occurrence).
    await raiseAlert(
      tx,
      topicAlert('alert.webhook_retries_exhausted', {
        about: input.eventId,
        subject: `Stripe event ${input.eventId} (${input.eventType}) failed ${input.attempts} times; not retried automatically`,
        payload: { eventId: input.eventId, type: input.eventType, attempts: input.attempts, error },
        at: now,
      }),
    );
  } else if (result.status !== 'failed' && input.attempts > 1) {
    // A retry went through: the event's alert, if its retries had been exhausted, is over.
    await resolveAlertsByFingerprint(tx, { fingerprints: [`webhook_retries_exhausted:${input.eventId}`], note: `Cleared: the event was ${result.status} on attempt ${input.attempts}`, at: now });
  }
  return row;
}
