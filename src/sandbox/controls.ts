import { z } from 'zod';
import { generateId } from './ids.js';
import { StripeApiError, apiError, type StripeErrorType } from './wire/stripe-error.js';

/**
 * Failure injection for one endpoint (or a family of them).
 * - `path`: an exact path (`/v1/transfers`) or a prefix ending in `*` (`/v1/transfers*`).
 * - `errorRate`: probability (0–1, default 1) that a matching request fails.
 * - `error`: the error sent when it fails (default: 500 `api_error`).
 * - `timeout`: instead of an error, never answer: `before` the request runs, or `after` it ran
 *   (the change is made but the response is lost — what idempotency keys exist for).
 * - `latencyMs`: added to every matching request, failing or not.
 * - `times`: how many failures to inject before the rule retires (default: unlimited).
 */
export const failureRuleSchema = z.object({
  method: z.string().toUpperCase().optional(),
  path: z.string().startsWith('/'),
  errorRate: z.coerce.number().min(0).max(1).default(1),
  error: z
    .object({
      status: z.coerce.number().int().min(400).max(599),
      type: z.enum(['api_error', 'card_error', 'idempotency_error', 'invalid_request_error']).optional(),
      code: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  timeout: z.enum(['before', 'after']).optional(),
  latencyMs: z.coerce.number().int().min(0).max(120_000).default(0),
  times: z.coerce.number().int().min(1).optional(),
});
export type FailureRuleInput = z.input<typeof failureRuleSchema>;
export type FailureRule = z.output<typeof failureRuleSchema> & { id: string; injected: number };

/** What the request pipeline must do to one request. */
export interface FailurePlan {
  latencyMs: number;
  error?: StripeApiError;
  timeout?: 'before' | 'after';
}

export const rateLimitSchema = z.object({
  enabled: z.coerce.boolean(),
  /** Stripe's test mode allows about 25 requests per second. */
  requestsPerSecond: z.coerce.number().int().min(1).default(25),
});
export type RateLimitSettings = z.output<typeof rateLimitSchema>;

/** The sandbox's test controls: injected failures and the rate limit (off by default). */
export class SandboxControls {
  private rules: FailureRule[] = [];
  private rateLimitSettings: RateLimitSettings = { enabled: false, requestsPerSecond: 25 };
  private recentRequests: number[] = [];

  addFailure(input: FailureRuleInput): FailureRule {
    const rule: FailureRule = { ...failureRuleSchema.parse(input), id: generateId('fail', 12), injected: 0 };
    this.rules.push(rule);
    return rule;
  }

  failures(): FailureRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  removeFailure(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length < before;
  }

  clearFailures(): void {
    this.rules = [];
  }

  setRateLimit(input: z.input<typeof rateLimitSchema>): RateLimitSettings {
    this.rateLimitSettings = rateLimitSchema.parse(input);
    this.recentRequests = [];
    return { ...this.rateLimitSettings };
  }

  rateLimit(): RateLimitSettings {
    return { ...this.rateLimitSettings };
  }

  /** The injected behaviour for a request, if any rule matches it. */
  planFor(method: string, path: string): FailurePlan | undefined {
    const matching = this.rules.filter((rule) => (!rule.method || rule.method === method) && pathMatches(rule.path, path));
    if (matching.length === 0) return undefined;
    const plan: FailurePlan = { latencyMs: 0 };
    for (const rule of matching) {
      plan.latencyMs += rule.latencyMs;
      if (plan.error || plan.timeout) continue;
      const injectsFailure = rule.error !== undefined || rule.timeout !== undefined || rule.errorRate < 1 || rule.latencyMs === 0;
      if (!injectsFailure || Math.random() >= rule.errorRate) continue;
      rule.injected++;
      if (rule.timeout) plan.timeout = rule.timeout;
      else plan.error = rule.error ? injectedError(rule.error) : apiError('An unknown error occurred (injected by the sandbox)');
      if (rule.times !== undefined && rule.injected >= rule.times) this.removeFailure(rule.id);
    }
    return plan;
  }

  /** Counts the request against the rate limit; false when it must be refused with 429. */
  admitRequest(nowMs = Date.now()): boolean {
    if (!this.rateLimitSettings.enabled) return true;
    const windowStart = nowMs - 1000;
    this.recentRequests = this.recentRequests.filter((at) => at > windowStart);
    if (this.recentRequests.length >= this.rateLimitSettings.requestsPerSecond) return false;
    this.recentRequests.push(nowMs);
    return true;
  }

  reset(): void {
    this.rules = [];
    this.rateLimitSettings = { enabled: false, requestsPerSecond: 25 };
    this.recentRequests = [];
  }
}

function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

function injectedError(error: { status: number; type?: StripeErrorType; code?: string; message?: string }): StripeApiError {
  const type: StripeErrorType = error.type ?? (error.status >= 500 ? 'api_error' : error.status === 402 ? 'card_error' : 'invalid_request_error');
  return new StripeApiError(error.status, {
    type,
    message: error.message ?? `Injected ${error.status} error from the sandbox`,
    ...(error.code ? { code: error.code } : {}),
  });
}
