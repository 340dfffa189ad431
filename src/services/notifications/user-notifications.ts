import { and, count, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { notifications } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';

export type Notification = typeof notifications.$inferSelect;

/** A user's in-app notifications, newest first, keyset-paginated. Only their own. */
export async function listNotifications(
  db: DbExecutor,
  input: { userId: string; unread?: boolean | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: Notification[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : BigInt(decodeCursor(input.cursor, 'id_desc', 1)[0]!);
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, input.userId), input.unread ? isNull(notifications.readAt) : undefined, after === undefined ? undefined : lt(notifications.id, after)))
    .orderBy(desc(notifications.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return { data: page, nextCursor: rows.length > input.limit ? encodeCursor('id_desc', [String(page.at(-1)!.id)]) : null };
}

export async function unreadNotificationCount(db: DbExecutor, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/**
 * Mark one of the user's notifications read (again: keeps the first time).
 * @throws AppError NOTIFICATION_NOT_FOUND (404) — also for someone else's notification
 */
export async function markNotificationRead(db: Db, input: { userId: string; id: string; at: Date }): Promise<Notification> {
  const id = /^\d{1,18}$/.test(input.id) ? BigInt(input.id) : undefined;
  if (id !== undefined) {
    const [row] = await db
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, ${input.at})` })
      .where(and(eq(notifications.id, id), eq(notifications.userId, input.userId)))
      .returning();
    if (row) return row;
  }
  throw new AppError('NOTIFICATION_NOT_FOUND', `You have no notification with id ${input.id}`, { kind: 'not_found' });
}

/** Mark all the user's unread notifications read; returns how many were unread. */
export async function markAllNotificationsRead(db: DbExecutor, input: { userId: string; at: Date }): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: input.at })
    .where(and(eq(notifications.userId, input.userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
