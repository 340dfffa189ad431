import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { mailboxMessages, outboxMessages } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { Clock } from '../../providers/clock/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor } from '../context.js';
import { signalOutbox } from '../outbox/enqueue-message.js';
import { decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';

export type OutboxMessage = typeof outboxMessages.$inferSelect;
export type MailboxMessage = typeof mailboxMessages.$inferSelect;

const RETRY_WINDOW_MS = 24 * 3600_000;

function pageById<T extends { id: bigint }>(rows: T[], limit: number): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { data: page, nextCursor: rows.length > limit ? encodeCursor('id_desc', [String(page.at(-1)!.id)]) : null };
}

const cursorId = (cursor: string | undefined) => (cursor === undefined ? undefined : BigInt(decodeCursor(cursor, 'id_desc', 1)[0]!));

/** Messages delivery gave up on (24 h of failures, or an SMTP 5xx refusal), newest first. */
export async function listFailedNotifications(db: DbExecutor, input: { limit: number; cursor?: string | undefined }) {
  const before = cursorId(input.cursor);
  const rows = await db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.status, 'failed'), before === undefined ? undefined : lt(outboxMessages.id, before)))
    .orderBy(desc(outboxMessages.id))
    .limit(input.limit + 1);
  return pageById(rows, input.limit);
}

/**
 * Send a failed message again: back to pending, due now, with another 24 h before delivery gives
 * up. Audited. The delivery worker is woken.
 *
 * @throws AppError NOTIFICATION_NOT_FOUND (404), NOTIFICATION_NOT_FAILED (409) when it is pending or sent
 */
export async function retryFailedNotification(db: Db, input: { id: string; actor: Actor }, context: { clock: Clock }): Promise<OutboxMessage> {
  const id = /^\d{1,18}$/.test(input.id) ? BigInt(input.id) : undefined;
  const now = context.clock.now();
  const retried = await db.transaction(async (tx) => {
    const [current] = id === undefined ? [] : await tx.select().from(outboxMessages).where(eq(outboxMessages.id, id)).for('update');
    if (!current) throw new AppError('NOTIFICATION_NOT_FOUND', `No notification message with id ${input.id}`, { kind: 'not_found' });
    if (current.status !== 'failed') {
      throw new AppError('NOTIFICATION_NOT_FAILED', `Message ${input.id} is ${current.status}: only a failed message can be sent again`, {
        kind: 'conflict',
        details: { status: current.status },
      });
    }
    const [updated] = await tx
      .update(outboxMessages)
      .set({ status: 'pending', nextAttemptAt: now, giveUpAt: new Date(now.getTime() + RETRY_WINDOW_MS) })
      .where(eq(outboxMessages.id, current.id))
      .returning();
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'notification.retried',
      subjectType: 'notification',
      subjectId: String(current.id),
      fromStatus: 'failed',
      toStatus: 'pending',
      reason: current.lastError,
      metadata: { topic: current.topic, recipient: current.recipient, attempts: current.attempts },
      at: now,
    });
    return updated!;
  });
  signalOutbox();
  return retried;
}

/** The local mailbox (no SMTP_URL): what would have been sent, newest first. */
export async function listMailbox(db: DbExecutor, input: { limit: number; cursor?: string | undefined; to?: string | undefined }) {
  const before = cursorId(input.cursor);
  const rows = await db
    .select()
    .from(mailboxMessages)
    .where(and(before === undefined ? undefined : lt(mailboxMessages.id, before), input.to === undefined ? undefined : eq(mailboxMessages.to, input.to)))
    .orderBy(desc(mailboxMessages.id))
    .limit(input.limit + 1);
  return pageById(rows, input.limit);
}
