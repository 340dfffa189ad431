import type { Db, DbExecutor } from './database.js';

/** PostgreSQL's answers that mean "this transaction lost a race; run it again": deadlock_detected, serialization_failure. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

/** The SQLSTATE of a pg error, also when drizzle wraps it (`DrizzleQueryError.cause`). */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Whether PostgreSQL rolled this transaction back because it lost a race (a deadlock, a serialization failure): running it again is the answer. */
export function lostRace(error: unknown): boolean {
  return RETRYABLE_CODES.has(sqlStateOf(error) ?? '');
}

/**
 * `db.transaction(work)`, run again (up to `attempts` times in all, after a short random pause)
 * when PostgreSQL picks it as the victim of a deadlock or a serialization failure: the whole
 * transaction was rolled back, so running it again is safe. Several instances writing the same
 * ledger and analytics rows in different orders deadlock now and then (docs/deployment.md); a
 * caller should not see a 500 for it.
 *
 * @example
 * const payment = await transactionWithRetry(db, (tx) => recordExternalPayment(tx, input, context));
 */
export async function transactionWithRetry<T>(db: Db, work: (tx: DbExecutor) => Promise<T>, options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => work(tx));
    } catch (error) {
      if (attempt >= attempts || !lostRace(error)) throw error;
      await sleep(10 * attempt + Math.random() * 40 * attempt);
    }
  }
}
