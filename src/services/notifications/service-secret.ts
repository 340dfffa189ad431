import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { serviceSecrets } from '../../db/schema/index.js';
import type { Clock } from '../../providers/clock/index.js';

const cache = new WeakMap<Db, Map<string, Promise<Buffer>>>();

/**
 * A key the service keeps in its database (made on first use, the same for every instance and
 * after restarts). Cached per database handle for the life of the process.
 */
export function serviceSecret(db: Db, name: string, clock: Clock): Promise<Buffer> {
  let byName = cache.get(db);
  if (!byName) cache.set(db, (byName = new Map()));
  let secret = byName.get(name);
  if (!secret) {
    secret = loadOrCreate(db, name, clock);
    byName.set(name, secret);
    secret.catch(() => byName.delete(name));
  }
  return secret;
}

async function loadOrCreate(db: Db, name: string, clock: Clock): Promise<Buffer> {
  await db.insert(serviceSecrets).values({ name, value: randomBytes(32).toString('base64url'), createdAt: clock.now() }).onConflictDoNothing({ target: serviceSecrets.name });
  const [row] = await db.select({ value: serviceSecrets.value }).from(serviceSecrets).where(eq(serviceSecrets.name, name));
  return Buffer.from(row!.value, 'base64url');
}
