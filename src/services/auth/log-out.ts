import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { sessions } from '../../db/schema/index.js';
import { digestSecret } from './secret-digest.js';

/** End the session a cookie token names. Idempotent: an unknown or already ended session is fine. */
export async function logOut(db: DbExecutor, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, digestSecret(sessionToken)));
}
