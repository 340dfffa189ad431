import type { FastifyContextConfig, FastifyRequest } from 'fastify';
import type { errorResponseBuilderContext, RateLimitOptions } from '@fastify/rate-limit';
import { AppError } from '../../domain/errors/index.js';

/**
 * What the rate limiter throws once a key is over its limit: our error model, 429
 * RATE_LIMITED, and `retryAfterSeconds`, which the error handler turns into `Retry-After`.
 */
export function rateLimitedError(_request: FastifyRequest, context: errorResponseBuilderContext): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(context.ttl / 1000));
  return new AppError('RATE_LIMITED', `Too many requests: at most ${context.max} per window. Retry in ${retryAfterSeconds} s.`, {
    kind: 'rate_limited',
    details: { retryAfterSeconds, limit: context.max },
  });
}

function emailOf(request: FastifyRequest): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/**
 * Login: 10 attempts a minute per client address and email, so guessing one account's password
 * is slow while one office behind a NAT can still log in. It runs after body parsing (the key
 * needs the email).
 */
export const loginRateLimit: RateLimitOptions = {
  max: 10,
  timeWindow: 60_000,
  hook: 'preHandler',
  keyGenerator: (request) => `login:${request.ip}:${emailOf(request)}`,
};

/**
 * Route config for routes that move money (record a payment, open a checkout, request or
 * process a payout): 60 a minute per route and caller (its principal, else its address). Counted
 * in the database, one limit across instances (RATE_LIMIT_STORE, docs/auth.md "Rate limits").
 *
 * @example
 * app.post('/api/payments', { config: moneyRouteRateLimit, preValidation: requireRoles('PLATFORM', 'ADMIN'), schema }, handler);
 */
export const moneyRouteRateLimit: FastifyContextConfig = {
  rateLimit: {
    max: 60,
    timeWindow: 60_000,
    // onRequest, after the auth hook (app-level hooks run before route-level ones): the principal is known.
    hook: 'onRequest',
    keyGenerator: (request) => `money:${request.principal?.actor ?? `ip:${request.ip}`}`,
  },
};
