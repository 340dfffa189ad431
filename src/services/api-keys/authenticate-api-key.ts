import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { apiKeys } from '../../db/schema/index.js';
import { digestSecret, secretsEqual } from '../auth/secret-digest.js';
import type { ServiceContext } from '../context.js';
import type { ApiKeyRole } from './create-api-key.js';

/** What an API key looks like; anything else is not looked up. */
export const API_KEY_PATTERN = /^pk_(admin|platform)_[A-Za-z0-9_-]{43,}$/;

/**
 * `last_used_at` is written at most once a minute per key: a busy platform key would otherwise
 * turn every request into a write on one row. "Last used" is thus accurate to a minute.
 */
export const LAST_USED_PRECISION_SECONDS = 60;

/**
 * The key's id and role when `key` is a live (not revoked) API key, else undefined. The lookup
 * is by the key's SHA-256 (a unique index), and the stored digest is compared again in constant
 * time, so neither the index nor the comparison leaks how much of a guess was right.
 */
export async function authenticateApiKey(
  db: DbExecutor,
  key: string,
  context: Pick<ServiceContext, 'clock'>,
): Promise<{ id: string; role: ApiKeyRole } | undefined> {
  if (!API_KEY_PATTERN.test(key)) return undefined;
  const keyHash = digestSecret(key);
  const [row] = await db
    .select({ id: apiKeys.id, role: apiKeys.role, keyHash: apiKeys.keyHash, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash));
  if (!row || !secretsEqual(row.keyHash, keyHash) || row.revokedAt !== null) return undefined;
  const now = context.clock.now();
  const staleBefore = new Date(now.getTime() - LAST_USED_PRECISION_SECONDS * 1000);
  if (row.lastUsedAt === null || row.lastUsedAt < staleBefore) {
    // Conditional, so concurrent requests with the same key write once.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
  }
  return { id: row.id, role: row.role };
}
