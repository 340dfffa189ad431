import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { crashPoint } from '../../providers/crash-points/index.js';
import { webhookEvents } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { defaultWebhookRetryPolicy, nextWebhookRetryAt } from '../../domain/webhooks/retry-schedule.js';
import { webhookHandlerFor } from './handlers/index.js';
import { prepareWebhookEvent } from './prepare-webhook-event.js';
import { recordWebhookAttempt } from './record-webhook-attempt.js';
import { parseWebhookEvent } from './webhook-event.js';
import { describeWebhookFailure, webhookErrorText, type WebhookFailure } from './webhook-failure.js';

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
 * In one transaction: insert the event row by its id, already marked `completed` (`ON CONFLICT …
 * DO UPDATE` counting a duplicate); if the id was there already, stop. Otherwise run the handler
 * in the same transaction, and commit the row together with its effects. (An `ignored` outcome
 * rewrites the row before the commit; a type without a handler is stored as `ignored` in one
 * statement.) Concurrent copies of one event serialise on the primary key — on PostgreSQL the
 * later inserts wait for the first transaction and then find the row; on PGlite the transactions
 * run one after another — so exactly one copy is processed, and it commits with its effects.
 *
 * A handler failure rolls the whole transaction back (the handler's writes and the row alike) and
 * the event is then stored as `failed`, with its error and next retry, in a second statement —
 * see `recordFailedReceipt` for why that gap is safe. No savepoint: the happy path is BEGIN, the
 * row, the handler's statements, COMMIT (docs/webhooks.md).
 *
 * A handler with `receive` (payment_intent.succeeded) first tries the whole receipt in one
 * statement; when it declines (anything off its happy path), it has written nothing and the
 * transaction above runs as described.
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

  const handler = webhookHandlerFor(event.type);
  if (!handler) {
    // Most of what Stripe sends has no handler: one statement stores it (or counts the duplicate).
    const reason = `no handler for ${event.type} events`;
    const now = context.clock.now();
    const inserted = await insertOrCountDuplicate(db, { ...row, status: 'ignored', error: reason, receivedAt: now, processedAt: now });
    return inserted ? { status: 'ignored', eventId: event.id, reason } : { status: 'duplicate', eventId: event.id };
  }

  if (handler.receive) {
    // The hot types' happy path in one statement; off it, nothing was written and the general path runs.
    const received = await handler.receive(db, event, row, context);
    if (received) return { status: received, eventId: event.id };
  }

  const prepared = await prepareWebhookEvent(event, context, db);
  if (!prepared.ok) return recordFailedReceipt(db, row, prepared.failure, context);
  try {
    return await db.transaction(async (tx): Promise<IngestWebhookResult> => {
      const now = context.clock.now();
      const inserted = await insertOrCountDuplicate(tx, { ...row, status: 'completed', receivedAt: now, processedAt: now });
      if (!inserted) return { status: 'duplicate', eventId: event.id };
      let outcome;
      try {
        outcome = await handler.handle(tx, event, prepared.value, context);
      } catch (error) {
        throw new HandlerFailed(error);
      }
      crashPoint('webhook.handled');
      if (outcome.status === 'ignored') {
        await recordWebhookAttempt(tx, { eventId: event.id, eventType: event.type, attempts: 1, result: outcome, now: context.clock.now() });
        return { status: 'ignored', eventId: event.id, reason: outcome.reason };
      }
      return { status: 'completed', eventId: event.id };
    });
  } catch (error) {
    // Only the handler's own failures are stored; anything else (the database unreachable, our
    // insert failing) propagates: nothing is stored and Stripe, answered 5xx, sends it again.
    if (!(error instanceof HandlerFailed)) throw error;
    return recordFailedReceipt(db, row, describeWebhookFailure(error.cause), context);
  }
}

/** A handler's error, carried out of the transaction so that it is rolled back first and recorded after. */
class HandlerFailed extends Error {
  constructor(cause: unknown) {
    super('webhook handler failed', { cause });
  }
}

/**
 * Store a first attempt that failed — the handler threw, its transaction (event row and effects)
 * rolled back — as `failed`, with the error and its next retry, in one statement of its own.
 *
 * Between the rollback and this insert the event id is stored nowhere, so a concurrent copy of
 * the event (Stripe retrying, or sending twice) may slip in and process it itself. That is safe:
 * handlers are idempotent and run on the same payload, so that copy either fails the same way
 * (and one of the two stores the failure, the other counts a duplicate) or — the cause having
 * gone, e.g. the creator now exists — succeeds, and then this insert finds its row and only
 * counts a duplicate instead of overwriting a success. Either way the id is stored once, and
 * failures are never stored with any of their effects.
 */
async function recordFailedReceipt(
  db: DbExecutor,
  row: Pick<typeof webhookEvents.$inferInsert, 'id' | 'type' | 'account' | 'payload'>,
  failure: WebhookFailure,
  context: ServiceContext,
): Promise<IngestWebhookResult> {
  const now = context.clock.now();
  const inserted = await insertOrCountDuplicate(db, {
    ...row,
    status: 'failed',
    error: webhookErrorText(failure),
    receivedAt: now,
    processedAt: now,
    nextRetryAt: nextWebhookRetryAt(1, now, defaultWebhookRetryPolicy),
  });
  return inserted ? { status: 'failed', eventId: row.id, failure } : { status: 'duplicate', eventId: row.id };
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
