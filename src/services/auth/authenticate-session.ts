import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, sessions, users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { activeUserColumns, type ActiveUser } from '../users/find-active-user.js';
import { digestSecret } from './secret-digest.js';

export interface ActiveSession {
  user: ActiveUser;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * The live session a cookie token names, with its user: undefined when the token is unknown,
 * the session has expired (on the service clock) or the user is disabled. One indexed lookup by
 * the token's SHA-256.
 */
export async function authenticateSession(
  db: DbExecutor,
  sessionToken: string,
  context: Pick<ServiceContext, 'clock'>,
): Promise<ActiveSession | undefined> {
  const [row] = await db
    .select({
      ...activeUserColumns,
      csrfToken: sessions.csrfToken,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(creators, eq(creators.userId, users.id))
    .where(and(eq(sessions.tokenHash, digestSecret(sessionToken)), gt(sessions.expiresAt, context.clock.now()), isNull(users.disabledAt)));
  if (!row) return undefined;
  const { csrfToken, expiresAt, ...user } = row;
  return { user, csrfToken, expiresAt };
}
