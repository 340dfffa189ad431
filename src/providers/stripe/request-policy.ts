import pThrottle from 'p-throttle';
import Stripe from 'stripe';
import { isTransientStripeError, retryAfterSeconds, toAppError } from './stripe-errors.js';

export interface RequestPolicyOptions {
  /** Requests per second we allow ourselves, under Stripe's limit (100/s live, 25/s test). */
  requestsPerSecond: number;
  /** Attempts for a transient failure (5xx, network), the first included. */
  maxAttempts: number;
  /** Attempts for a request answered 429; rate limits pass, so they get a larger budget. */
  maxRateLimitedAttempts: number;
  /** First backoff; doubles each attempt, with jitter, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Tighter limits for single operations (requests per second), e.g. `{ 'transfers.create': 10 }`. */
  perOperation?: Record<string, number>;
  sleep?: (ms: number) => Promise<void>;
}

const common = { maxAttempts: 4, maxRateLimitedAttempts: 12, baseDelayMs: 500, maxDelayMs: 8_000 };
/**
 * Money-moving writes, and reconciliation's reads (`reconcile.read`), each get half the budget at
 * most, so a bulk payout run or a reconciliation leaves room for webhooks' look-ups and the
 * dashboard's reads (Stripe counts all of them together).
 */
export const liveDefaults: RequestPolicyOptions = { requestsPerSecond: 80, perOperation: { 'transfers.create': 40, 'payouts.create': 40, 'reconcile.read': 40 }, ...common };
export const testModeDefaults: RequestPolicyOptions = { requestsPerSecond: 20, perOperation: { 'transfers.create': 10, 'payouts.create': 10, 'reconcile.read': 10 }, ...common };

/**
 * At most `requestsPerSecond`, evenly spaced (one request every 1000/rps ms): the exact rate asked
 * for — 25/s is 25/s, not 20/s as whole tenths of a second would give — and no bursts, so Stripe's
 * sliding one-second window never sees more than the budget even when answers arrive unevenly.
 */
function createGate(requestsPerSecond: number): () => Promise<void> {
  const throttle = pThrottle({ limit: 1, interval: 1000 / requestsPerSecond });
  const gate = throttle(() => undefined);
  return async () => {
    await gate();
  };
}

/**
 * Every Stripe call goes through `run`: throttled below Stripe's rate limit, and repeated on a
 * transient failure — 5xx and network errors with exponential backoff and jitter; a 429 pauses
 * *every* request of this policy until `Retry-After` (back-pressure for the whole burst, not
 * just the request that hit it). Repeats are safe because every create carries an idempotency
 * key derived from our own ids. Errors come out as AppErrors with Stripe's code kept.
 */
export class StripeRequestPolicy {
  private readonly gate: () => Promise<void>;
  private readonly operationGates = new Map<string, () => Promise<void>>();
  private readonly sleep: (ms: number) => Promise<void>;
  private pausedUntil = 0;

  constructor(private readonly options: RequestPolicyOptions) {
    this.gate = createGate(options.requestsPerSecond);
    for (const [operation, rps] of Object.entries(options.perOperation ?? {})) this.operationGates.set(operation, createGate(rps));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let transientFailures = 0;
    let rateLimited = 0;
    for (;;) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await this.sleep(wait);
      await this.operationGates.get(operation)?.();
      await this.gate();
      try {
        return await call();
      } catch (error) {
        if (error instanceof Stripe.errors.StripeRateLimitError || (error as { code?: string }).code === 'rate_limit') {
          if (++rateLimited >= this.options.maxRateLimitedAttempts) throw toAppError(error, operation);
          const pauseMs = Math.min(this.options.maxDelayMs, (retryAfterSeconds(error) ?? 1) * 1000) + Math.random() * 250;
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pauseMs);
          continue;
        }
        if (!isTransientStripeError(error) || ++transientFailures >= this.options.maxAttempts) throw toAppError(error, operation);
        const exponential = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (transientFailures - 1));
        await this.sleep(exponential / 2 + Math.random() * (exponential / 2));
      }
    }
  }
}
