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

export interface RetryOptions {
  /** How many tries in all (default 3). */
  attempts?: number;
  /** The unit of the random pause before try n: between n and 5n units (default 10 ms). */
  pauseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `work()`, run again (up to `attempts` times in all, after a short random pause that grows with
 * each try) when it fails because PostgreSQL rolled one of its transactions back as the loser of a
 * race. Only safe for work whose rolled-back transaction left nothing behind, or that picks up where
 * the database says it stands (a sweep). `transactionWithRetry` and `runJob` are the two uses.
 */
export async function retryOnLostRace<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const unit = options.pauseMs ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !lostRace(error)) throw error;
      await sleep(unit * attempt + Math.random() * 4 * unit * attempt);
    }
  }
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
export async function transactionWithRetry<T>(db: Db, work: (tx: DbExecutor) => Promise<T>, options: Omit<RetryOptions, 'pauseMs'> = {}): Promise<T> {
  return retryOnLostRace(() => db.transaction((tx) => work(tx)), options);
}
