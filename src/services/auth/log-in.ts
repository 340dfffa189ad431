import { randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, sessions, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { ServiceContext } from '../context.js';
import { activeUserColumns, type ActiveUser } from '../users/find-active-user.js';
import { verifyPassword } from './password-hash.js';
import { digestSecret } from './secret-digest.js';

export interface LogInInput {
  email: string;
  password: string;
}

export interface StartedSession {
  /** The cookie's value. Only its SHA-256 is stored. */
  sessionToken: string;
  /** Sent back in `x-csrf-token` on every cookie-authenticated mutation. */
  csrfToken: string;
  expiresAt: Date;
  user: ActiveUser;
}

/** One answer for an unknown email, a wrong password, a user without a password and a disabled user. */
export const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'The email or password is wrong.', { kind: 'unauthorized' });

/**
 * Password login: checks the password with scrypt in constant time and starts a session. An
 * unknown email costs the same scrypt run as a wrong password and gets the same error, so
 * neither the answer nor its timing says whether an account exists. Expired sessions of the
 * user are deleted on the way.
 *
 * @throws AppError INVALID_CREDENTIALS (unauthorized)
 */
export async function logIn(
  db: DbExecutor,
  input: LogInInput,
  context: Pick<ServiceContext, 'clock'> & { sessionTtlSeconds: number },
): Promise<StartedSession> {
  const [row] = await db
    .select({
      ...activeUserColumns,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .leftJoin(creators, eq(creators.userId, users.id))
    .where(sql`lower(${users.email}) = lower(${input.email.trim()})`);
  const passwordMatches = await verifyPassword(input.password, row?.passwordHash);
  if (!row || !passwordMatches || row.disabledAt !== null) throw invalidCredentials();

  const user: ActiveUser = { id: row.id, email: row.email, name: row.name, role: row.role, creatorId: row.creatorId };
  return startSession(db, user, { ...context, via: 'password' });
}

/**
 * A new cookie session for a user whose identity is already proven (a password, or a short-lived
 * user token exchanged by the embedded dashboard). Deletes the user's expired sessions on the way
 * and audits the login with how it happened.
 */
export async function startSession(
  db: DbExecutor,
  user: ActiveUser,
  context: Pick<ServiceContext, 'clock'> & { sessionTtlSeconds: number; via: 'password' | 'user_token' },
): Promise<StartedSession> {
  const now = context.clock.now();
  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + context.sessionTtlSeconds * 1000);
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, now)));
    await tx.insert(sessions).values({ tokenHash: digestSecret(sessionToken), userId: user.id, csrfToken, createdAt: now, expiresAt });
    await recordAuditEvent(tx, {
      actor: `user:${user.id}`,
      action: 'user.logged_in',
      subjectType: 'user',
      subjectId: user.id,
      at: now,
      ...(context.via === 'password' ? {} : { metadata: { via: context.via } }),
    });
  });
  return { sessionToken, csrfToken, expiresAt, user };
}
