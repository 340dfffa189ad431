import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { webhookEvents } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { applyWebhookEvent } from './apply-webhook-event.js';
import { webhookHandlerFor } from './handlers/index.js';
import { prepareWebhookEvent } from './prepare-webhook-event.js';
import { recordWebhookAttempt } from './record-webhook-attempt.js';
import { parseWebhookEvent } from './webhook-event.js';
import type { WebhookFailure } from './webhook-failure.js';

export type IngestWebhookResult =
  | { status: 'completed'; eventId: string }
  | { status: 'ignored'; eventId: string; reason: string }
  /** Stored as failed, to be retried by the sweep; Stripe is still answered 200. */
  | { status: 'failed'; eventId: string; failure: WebhookFailure }
  /** The id was stored before: counted, not processed again. */
  | { status: 'duplicate'; eventId: string };

/**
 * Take in one verified Stripe event (DESIGN.md §4 "Webhook event"), exactly once per event id.
 *
 * In one transaction: insert the event row by its id (`ON CONFLICT … DO UPDATE` counting a
 * duplicate); if the id was there already, stop. Otherwise run the handler in a savepoint and
 * write the outcome on the row. (A type without a handler is stored as `ignored` in one statement.) Concurrent copies of one event serialise on the primary key — on
 * PostgreSQL the later inserts wait for the first transaction and then find the row; on PGlite the
 * transactions run one after another — so exactly one copy is processed, and it commits together
 * with its effects. A handler failure rolls back only the handler's writes: the event is committed
 * as `failed` with its error and the time of its next retry.
 *
 * @param payload the event as Stripe sent it (already signature-checked); stored as is.
 * @throws AppError WEBHOOK_EVENT_MALFORMED when the payload is not a Stripe event (nothing stored)
 * @example
 * const event = gateway.verifyWebhook(rawBody, signature);
 * const result = await ingestWebhookEvent(database.db, event, { config, clock, stripe });
 * // { status: 'completed', eventId: 'evt_…' } | { status: 'duplicate', … } | { status: 'failed', … }
 */
export async function ingestWebhookEvent(db: DbExecutor, payload: unknown, context: ServiceContext): Promise<IngestWebhookResult> {
  const event = parseWebhookEvent(payload);
  const row = { id: event.id, type: event.type, account: event.account ?? null, payload };

  if (!webhookHandlerFor(event.type)) {
    // Most of what Stripe sends has no handler: one statement stores it (or counts the duplicate).
    const reason = `no handler for ${event.type} events`;
    const now = context.clock.now();
    const inserted = await insertOrCountDuplicate(db, { ...row, status: 'ignored', error: reason, receivedAt: now, processedAt: now });
    return inserted ? { status: 'ignored', eventId: event.id, reason } : { status: 'duplicate', eventId: event.id };
  }

  const prepared = await prepareWebhookEvent(event, context);
  return db.transaction(async (tx): Promise<IngestWebhookResult> => {
    const inserted = await insertOrCountDuplicate(tx, { ...row, status: 'processing', receivedAt: context.clock.now() });
    if (!inserted) return { status: 'duplicate', eventId: event.id };
    const result = await applyWebhookEvent(tx, event, prepared, context);
    await recordWebhookAttempt(tx, { eventId: event.id, eventType: event.type, attempts: 1, result, now: context.clock.now() });
    if (result.status === 'failed') return { status: 'failed', eventId: event.id, failure: result.failure };
    if (result.status === 'ignored') return { status: 'ignored', eventId: event.id, reason: result.reason };
    return { status: 'completed', eventId: event.id };
  });
}

/**
 * Insert the event row, or — when its id is stored already — count one more duplicate, in one
 * statement. A concurrent insert of the same id waits for the first transaction to end (the
 * primary key's lock) and then takes the conflict branch. `xmax = 0` tells a fresh row from an
 * updated one (PostgreSQL and PGlite alike). @returns true when this call stored the event
 */
async function insertOrCountDuplicate(db: DbExecutor, values: typeof webhookEvents.$inferInsert): Promise<boolean> {
  const [row] = await db
    .insert(webhookEvents)
    .values({ attempts: 1, ...values })
    .onConflictDoUpdate({ target: webhookEvents.id, set: { duplicates: sql`${webhookEvents.duplicates} + 1` } })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return row?.inserted === true;
}
