/** How failed webhook events are retried by the sweep: exponential backoff with a cap. */
export interface WebhookRetryPolicy {
  /** Processing attempts in all, the first (on receipt) included; after the last the event stays `failed` for an admin. */
  maxAttempts: number;
  /** Delay after the first failure; doubled after each further one. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/** 1, 2, 4 … 256 minutes: ten attempts over about eight and a half hours. */
export const defaultWebhookRetryPolicy: WebhookRetryPolicy = { maxAttempts: 10, baseDelaySeconds: 60, maxDelaySeconds: 6 * 3600 };

/**
 * When to try a failed event again after its `attempts`-th attempt failed, or null when it has
 * had all its attempts. Pure: `now` is passed in.
 *
 * @example
 * nextWebhookRetryAt(1, new Date('2026-01-01T00:00:00Z')); // 2026-01-01T00:01:00Z
 * nextWebhookRetryAt(10, now); // null: retries exhausted
 */
export function nextWebhookRetryAt(attempts: number, now: Date, policy: WebhookRetryPolicy = defaultWebhookRetryPolicy): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const exponent = Math.max(0, attempts - 1);
  const delaySeconds = Math.min(policy.baseDelaySeconds * 2 ** exponent, policy.maxDelaySeconds);
  return new Date(now.getTime() + delaySeconds * 1000);
}
