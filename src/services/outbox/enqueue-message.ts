import type { DbExecutor } from '../../db/database.js';
import { outboxMessages } from '../../db/schema/index.js';

export interface OutboxMessageInput {
  topic: string;
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
  await tx
    .insert(outboxMessages)
    .values({ ...message, payload: message.payload, createdAt: message.at, nextAttemptAt: message.at })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey });
}
