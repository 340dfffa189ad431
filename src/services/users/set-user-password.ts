import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { hashPassword } from '../auth/password-hash.js';
import type { Actor, ServiceContext } from '../context.js';
import { MIN_PASSWORD_LENGTH } from './create-user.js';

/**
 * Give users a (new) password for dashboard login, e.g. creators a host platform onboarded
 * without one. The scrypt hash (tens of milliseconds of CPU) is computed once, before the
 * transaction that writes it with an audit event per user (never the password). Several users get
 * the very same hash, salt included: only for users who share a password on purpose (the demo's
 * published one); give anyone else their own call.
 * @throws AppError USER_NOT_FOUND (404, nothing written), PASSWORD_TOO_SHORT (400)
 */
export async function setUserPassword(db: Db, input: { userIds: readonly string[]; password: string; actor: Actor }, context: Pick<ServiceContext, 'clock'>): Promise<void> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('PASSWORD_TOO_SHORT', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, { details: { param: 'password' } });
  }
  const userIds = [...new Set(input.userIds)];
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const updated = await tx.update(users).set({ passwordHash }).where(inArray(users.id, userIds)).returning({ id: users.id });
    const missing = userIds.filter((id) => !updated.some((row) => row.id === id));
    if (missing.length > 0) throw new AppError('USER_NOT_FOUND', `No user with id ${missing.join(', ')}`, { kind: 'not_found' });
    const now = context.clock.now();
    for (const userId of userIds) await recordAuditEvent(tx, { actor: input.actor, action: 'user.password_set', subjectType: 'user', subjectId: userId, at: now });
  });
}
