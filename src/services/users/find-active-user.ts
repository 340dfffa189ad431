import { and, eq, isNull } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';

export interface ActiveUser {
  id: string;
  email: string;
  name: string;
  role: 'ADMIN' | 'CREATOR';
  /** The creator profile of a CREATOR; null for an ADMIN (or a creator whose profile is missing). */
  creatorId: string | null;
}

/** The columns of an `ActiveUser`, for queries that join `creators` on the user (login, sessions). */
export const activeUserColumns = { id: users.id, email: users.email, name: users.name, role: users.role, creatorId: creators.id };

/** The user with this id, unless unknown or disabled: what a session or token acts as. One indexed lookup. */
export async function findActiveUser(db: DbExecutor, userId: string): Promise<ActiveUser | undefined> {
  const [row] = await db
    .select(activeUserColumns)
    .from(users)
    .leftJoin(creators, eq(creators.userId, users.id))
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row;
}
