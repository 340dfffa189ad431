import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { App } from '../app.js';
import { authRoutes } from '../routes/auth.js';
import { resolveAuthSettings } from './auth-settings.js';
import { databaseRateLimitStore } from './database-rate-limit-store.js';
import { rateLimitedError } from './rate-limits.js';
import { resolvePrincipal } from './resolve-principal.js';

export type { Principal, Role } from './principal.js';
export { requireRoles } from './require-roles.js';
export { moneyRouteRateLimit } from './rate-limits.js';

/**
 * Authentication for the whole app (docs/auth.md). Resolves `request.principal` on every
 * request from `Authorization: Bearer <API key | user token | CRON_SECRET | cron JWT>` or the
 * session cookie; requires `x-csrf-token` on cookie-authenticated mutations (403
 * CSRF_TOKEN_INVALID); bad credentials are a 401 UNAUTHENTICATED, never anonymous. Also installs
 * the cookie parser, the rate limiter (per route, via `config.rateLimit`) and the /api/auth
 * routes. Call it on the root app before registering routes; routes then check roles with
 * `requireRoles`.
 */
export async function registerAuth(app: App): Promise<void> {
  app.decorate('authSettings', resolveAuthSettings(app.deps.config, app.log));
  app.decorateRequest('principal', null);
  await app.register(fastifyCookie);
  // global: false — only routes with `config.rateLimit` are limited. The windows are counted in the
  // database (one limit across instances) unless RATE_LIMIT_STORE=memory (per process).
  const { config, database, clock } = app.deps;
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: rateLimitedError,
    ...(config.rateLimitStore === 'database' && { store: databaseRateLimitStore(database.db, clock) }),
  });
  app.addHook('onRequest', resolvePrincipal);
  await app.register(authRoutes);
}
