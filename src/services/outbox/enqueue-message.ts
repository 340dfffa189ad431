import { EventEmitter } from 'node:events';
import type { DbExecutor } from '../../db/database.js';
import { outboxMessages } from '../../db/schema/index.js';
import type { Topic } from '../../notifications/catalog.js';

export interface OutboxMessageInput {
  /** One of the catalog's topics (src/notifications/catalog.ts): each has a template in every language. */
  topic: Topic;
  /** `user:<id>`, `email:<address>` or `admins`. */
  recipient: string;
  payload: Record<string, unknown>;
  /** The cause, so that a repeated cause queues the message once. */
  dedupeKey: string;
  at: Date;
}

/**
 * Queue a message in the caller's transaction (DESIGN.md §6): a rolled-back change sends
 * nothing, a committed one is delivered by the outbox sweep even after a crash.
 */
export async function enqueueMessage(tx: DbExecutor, message: OutboxMessageInput): Promise<void> {
  await outboxMessageInsert(tx, message);
}

/**
 * Says "a message was queued" within this process, so that the delivery worker looks for it as
 * soon as the transaction has committed (it checks a few times over the next two seconds; the
 * 10-second sweep catches the rest, and what other instances queued).
 */
export const outboxSignal = new EventEmitter<{ queued: [] }>();
outboxSignal.setMaxListeners(0);

export function signalOutbox(): void {
  outboxSignal.emit('queued');
}

/**
 * The INSERT of one outbox message, not yet run: await it, or embed it as a data-modifying CTE
 * (`sql\`with outbox as (${outboxMessageInsert(tx, message).getSQL()}) …\``) so that it costs no round trip of its own.
 */
export function outboxMessageInsert(tx: DbExecutor, message: OutboxMessageInput) {
  signalOutbox();
  return tx
    .insert(outboxMessages)
    .values({ ...message, payload: message.payload, createdAt: message.at, nextAttemptAt: message.at })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey });
}
