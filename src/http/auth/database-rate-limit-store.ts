import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { lt, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { rateLimitHits } from '../../db/schema/index.js';
import type { Clock } from '../../providers/clock/index.js';
import { digestSecret } from '../../services/auth/secret-digest.js';

/** Expired windows are deleted at most this often per process, by the request that notices. */
export const RATE_LIMIT_PRUNE_INTERVAL_MS = 60_000;

/**
 * Count one hit on `key` in its fixed window and answer the count so far and the milliseconds
 * left, in one statement: the first hit (or the first after the window ended) starts a window of
 * `windowMs` at 1; later ones add 1. Concurrent hits on one key serialise on its row, so N
 * instances sharing the database share one count. The key is stored as its SHA-256 (it holds
 * emails and client addresses).
 */
export async function countRateLimitHit(db: DbExecutor, key: string, windowMs: number, now: Date): Promise<{ current: number; ttl: number }> {
  const resetsAt = new Date(now.getTime() + windowMs);
  const windowEnded = sql`${rateLimitHits.resetsAt} <= ${now.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimitHits)
    .values({ keyHash: digestSecret(key), hits: 1, resetsAt })
    .onConflictDoUpdate({
      target: rateLimitHits.keyHash,
      set: {
        hits: sql`case when ${windowEnded} then 1 else ${rateLimitHits.hits} + 1 end`,
        resetsAt: sql`case when ${windowEnded} then excluded.resets_at else ${rateLimitHits.resetsAt} end`,
      },
    })
    .returning({ hits: rateLimitHits.hits, resetsAt: rateLimitHits.resetsAt });
  return { current: row!.hits, ttl: Math.max(0, row!.resetsAt.getTime() - now.getTime()) };
}

/**
 * A store for @fastify/rate-limit that keeps the windows in the service's database
 * (`rate_limit_hits`), so that every instance enforces one limit (DESIGN.md §6: several
 * instances may run at once) and time is the service clock's. Fixed windows, like the plugin's
 * own store, and like it one count per route (`child`) and key; `continueExceeding` and
 * `exponentialBackoff` are not supported (no route uses them).
 */
export function databaseRateLimitStore(db: DbExecutor, clock: Clock): FastifyRateLimitStoreCtor {
  let lastPrune = 0;
  const pruneIfDue = async (now: Date) => {
    if (now.getTime() - lastPrune < RATE_LIMIT_PRUNE_INTERVAL_MS) return;
    lastPrune = now.getTime();
    await db.delete(rateLimitHits).where(lt(rateLimitHits.resetsAt, now));
  };
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    /** `route` scopes the keys of one route's limit, as the plugin's own store does per route. */
    constructor(
      _options?: unknown,
      private readonly route = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = clock.now();
      pruneIfDue(now)
        .then(() => countRateLimitHit(db, `${this.route} ${key}`, timeWindow, now))
        .then(
          (result) => callback(null, result),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    }

    child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // Typed as the route's options; at run time the plugin passes its merged limit params, the route under `routeInfo`.
      const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? options;
      return new DatabaseRateLimitStore(undefined, `${String(route.method ?? '')} ${String(route.url ?? '')}`);
    }
  };
}
