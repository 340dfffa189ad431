import pThrottle from 'p-throttle';
import { isTransientStripeError, retryAfterSeconds, toAppError } from './stripe-errors.js';

export interface RequestPolicyOptions {
  /** Requests per second we allow ourselves, under Stripe's limit (100/s live, 25/s test). */
  requestsPerSecond: number;
  /** Attempts for a transient failure, the first included. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with jitter, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const liveDefaults: RequestPolicyOptions = { requestsPerSecond: 80, maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };
export const testModeDefaults: RequestPolicyOptions = { requestsPerSecond: 20, maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Every Stripe call goes through `run`: throttled below Stripe's rate limit, and repeated with
 * exponential backoff on a transient failure (429 honouring `Retry-After`, 5xx, network). A
 * repeat is safe because every create carries an idempotency key derived from our own ids.
 * Errors come out as AppErrors with Stripe's code kept.
 */
export class StripeRequestPolicy {
  private readonly throttled: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RequestPolicyOptions) {
    const throttle = pThrottle({ limit: Math.max(1, Math.floor(options.requestsPerSecond / 10)), interval: 100 });
    const gate = throttle(() => undefined);
    this.throttled = async (fn) => {
      await gate();
      return fn();
    };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.throttled(call);
      } catch (error) {
        if (attempt >= this.options.maxAttempts || !isTransientStripeError(error)) throw toAppError(error, operation);
        const exponential = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
        const asked = retryAfterSeconds(error);
        const delay = asked !== undefined ? Math.min(this.options.maxDelayMs, asked * 1000) : exponential / 2 + Math.random() * (exponential / 2);
        await this.sleep(delay);
      }
    }
  }
}
