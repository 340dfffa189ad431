import { describe, expect, it } from 'vitest';
import { defaultWebhookRetryPolicy, nextWebhookRetryAt } from './retry-schedule.js';

describe('nextWebhookRetryAt', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const delayAfter = (attempts: number) => {
    const next = nextWebhookRetryAt(attempts, now);
    return next === null ? null : (next.getTime() - now.getTime()) / 1000;
  };

  it('doubles the delay from one minute after each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map(delayAfter)).toEqual([60, 120, 240, 480, 960]);
  });

  it('caps the delay and stops after the last attempt', () => {
    expect(delayAfter(defaultWebhookRetryPolicy.maxAttempts - 1)).toBe(256 * 60);
    expect(delayAfter(defaultWebhookRetryPolicy.maxAttempts)).toBeNull();
    expect(nextWebhookRetryAt(4, now, { maxAttempts: 20, baseDelaySeconds: 3600, maxDelaySeconds: 7200 })?.getTime()).toBe(now.getTime() + 7_200_000);
  });
});
