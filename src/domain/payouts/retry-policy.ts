/**
 * How failed transfers are retried (seed 002 §2, DESIGN.md §4): a retryable failure waits
 * `baseDelayMinutes × 2^(n−1)` (5, 10, 20 … minutes) and is tried again, at most `maxRetries`
 * times; a non-retryable failure, or one after the last retry, fails the payout for good.
 */
export interface PayoutRetryPolicy {
  /** Retries after the first attempt (3: four attempts in all). */
  maxRetries: number;
  baseDelayMinutes: number;
}

export const defaultPayoutRetryPolicy: PayoutRetryPolicy = { maxRetries: 3, baseDelayMinutes: 5 };

/**
 * Stripe failure codes worth trying again (seed 002's list, plus transport-level failures:
 * Stripe's own errors, timeouts, rate limits). Codes are Stripe's, lower case.
 */
export const retryableFailureCodes: ReadonlySet<string> = new Set([
  'account_closed',
  'insufficient_funds',
  'balance_insufficient',
  'debit_not_authorized',
  'generic_decline',
  'processing_error',
  'rate_limit',
  'lock_timeout',
  'api_error',
  'connection_error',
  'timeout',
]);

/**
 * Whether a failure should be retried: a listed code, or a transient transport failure (429,
 * 5xx, network) whatever its code.
 */
export function isRetryableFailure(failure: { code: string | undefined; transient?: boolean }): boolean {
  if (failure.transient === true) return true;
  return failure.code !== undefined && retryableFailureCodes.has(failure.code.toLowerCase());
}

/**
 * When to retry after the `failedAttempts`-th failure, or null when retries are exhausted.
 *
 * @example
 * nextPayoutRetryAt(1, now); // now + 5 min
 * nextPayoutRetryAt(3, now); // now + 20 min
 * nextPayoutRetryAt(4, now); // null (3 retries done)
 */
export function nextPayoutRetryAt(failedAttempts: number, now: Date, policy: PayoutRetryPolicy = defaultPayoutRetryPolicy): Date | null {
  if (failedAttempts < 1 || failedAttempts > policy.maxRetries) return null;
  const delayMinutes = policy.baseDelayMinutes * 2 ** (failedAttempts - 1);
  return new Date(now.getTime() + delayMinutes * 60_000);
}
