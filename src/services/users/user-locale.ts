import { eq } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { creatorLocale, creatorLocales, type CreatorLocale } from '../../domain/payouts/messages.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';

/** The languages of the dashboards and of the service's messages. */
export const userLocales = creatorLocales;
export type UserLocale = CreatorLocale;

/**
 * A user's language: a creator's is their profile's (`creators.locale`, which the service's
 * messages to them use too), mapped to a supported one (`fr-CA` → fr); an admin's is the one they
 * chose, null until they choose.
 */
export async function getUserLocale(db: DbExecutor, userId: string): Promise<UserLocale | null> {
  const [row] = await db.select({ own: users.locale, creator: creators.locale }).from(users).leftJoin(creators, eq(creators.userId, users.id)).where(eq(users.id, userId));
  if (!row) return null;
  const tag = row.creator ?? row.own;
  return tag === null ? null : creatorLocale(tag);
}

/**
 * Keep the language a user chose in the dashboards (`PATCH /api/auth/me`): a creator's profile
 * language — their emails and messages follow it — or an admin's own. Audited.
 * @throws AppError USER_NOT_FOUND (404)
 */
export async function setUserLocale(db: Db, input: { userId: string; locale: UserLocale; actor: Actor }, context: Pick<ServiceContext, 'clock'>): Promise<UserLocale> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ user: users, creatorId: creators.id, creatorLocale: creators.locale }).from(users).leftJoin(creators, eq(creators.userId, users.id)).where(eq(users.id, input.userId)).for('update', { of: users });
    if (!row) throw new AppError('USER_NOT_FOUND', `No user with id ${input.userId}`, { kind: 'not_found' });
    const before = row.creatorLocale ?? row.user.locale;
    if (before === input.locale) return input.locale;
    if (row.creatorId !== null) await tx.update(creators).set({ locale: input.locale }).where(eq(creators.id, row.creatorId));
    else await tx.update(users).set({ locale: input.locale }).where(eq(users.id, input.userId));
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'user.locale_changed',
      subjectType: 'user',
      subjectId: input.userId,
      fromStatus: before,
      toStatus: input.locale,
      at: context.clock.now(),
    });
    return input.locale;
  });
}
