import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { WebhookEventRow } from './record-webhook-attempt.js';

/** One stored webhook event, payload included. @throws AppError WEBHOOK_EVENT_NOT_FOUND (404) */
export async function getWebhookEvent(db: DbExecutor, eventId: string): Promise<WebhookEventRow> {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  if (!row) throw new AppError('WEBHOOK_EVENT_NOT_FOUND', `No webhook event ${eventId}`, { kind: 'not_found' });
  return row;
}
