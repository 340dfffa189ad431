import type { DbExecutor } from '../src/db/database.js';
import { creators, users } from '../src/db/schema/index.js';
import { newId } from '../src/domain/ids.js';

/** A creator user and profile written straight to the database, for tests of later steps. */
export async function insertCreator(
  db: DbExecutor,
  overrides: Partial<typeof creators.$inferInsert> & { email?: string; name?: string } = {},
): Promise<{ userId: string; creatorId: string }> {
  const userId = newId('usr');
  const creatorId = overrides.id ?? newId('cr');
  const now = new Date('2026-01-01T00:00:00Z');
  await db.insert(users).values({ id: userId, email: overrides.email ?? `${creatorId}@example.test`, name: overrides.name ?? `Creator ${creatorId}`, role: 'CREATOR', createdAt: now });
  const { email: _email, name: _name, ...profile } = overrides;
  await db.insert(creators).values({ currency: 'eur', createdAt: now, ...profile, id: creatorId, userId });
  return { userId, creatorId };
}
