import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { AdjustableClock, type Clock } from '../providers/clock/index.js';
import { StripeGateway } from '../providers/stripe/index.js';
import './deps.js';
import { registerApiDocs } from './api-docs.js';
import { registerAuth } from './auth/index.js';
import { registerErrorHandling, replyToFrameworkError } from './error-handler.js';
import { createLogger } from './logger.js';
import { registerBusinessMetrics } from './business-metrics.js';
import { createHttpMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';
import { registerStorableTextGuard } from './storable-text-guard.js';
import { adminAnalyticsRoutes } from './routes/admin-analytics.js';
import { adminAlertRoutes } from './routes/admin-alerts.js';
import { adminReconciliationRoutes } from './routes/admin-reconciliation.js';
import { adminBalanceRoutes } from './routes/admin-balance.js';
import { adminApiKeyRoutes } from './routes/admin-api-keys.js';
import { adminAuditRoutes } from './routes/admin-audit.js';
import { adminCreatorRoutes } from './routes/admin-creators.js';
import { adminNotificationRoutes } from './routes/admin-notifications.js';
import { notificationRoutes } from './routes/notifications.js';
import { adminWebhookRoutes } from './routes/admin-webhooks.js';
import { authEmbedRoutes } from './routes/auth-embed.js';
import { checkoutSessionRoutes } from './routes/checkout-sessions.js';
import { creatorRoutes } from './routes/creators.js';
import { adminPaymentRoutes } from './routes/admin-payments.js';
import { adminRefundRoutes } from './routes/admin-refunds.js';
import { adminPayoutRoutes } from './routes/admin-payouts.js';
import { creatorBalanceRoutes } from './routes/creator-balance.js';
import { creatorProfileRoutes } from './routes/creator-profile.js';
import { creatorPayoutRoutes } from './routes/creator-payouts.js';
import { cronRoutes } from './routes/cron.js';
import { healthRoutes } from './routes/health.js';
import { testClockRoutes } from './routes/test-clock.js';
import { metricsRoutes } from './routes/metrics.js';
import { platformPaymentRoutes } from './routes/platform-payments.js';
import { readinessRoutes } from './routes/readiness.js';
import { stripeWebhookRoutes } from './routes/stripe-webhooks.js';
import { registerWebApp } from './web-app.js';

/** The app with the zod type provider: route schemas are zod, handlers get typed input. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface AppDependencies {
  config: Config;
  /** The app uses it but does not own it: whoever opened it closes it, after `app.close()`. */
  database: Database;
  /** A pino logger; default `createLogger({ level: config.logLevel })` (JSON lines on stdout, credentials redacted). */
  logger?: FastifyBaseLogger;
  /** The one clock of the service; default a fresh `AdjustableClock` (wall time until moved). */
  clock?: Clock;
  /** Default: a gateway built from `config.stripe` (see `stripeGatewayFor`). */
  stripe?: StripeGateway;
  /** Called after the test clock moves (the in-process sandbox applies what became due at once). */
  afterClockAdvance?: () => void;
  /** The built dashboards served at `/` (default dist/web of this checkout; see web-app.ts). */
  webRoot?: string;
}

/** The gateway for a configuration: the key and base URL it names, else the local sandbox's default port. */
export function stripeGatewayFor(config: Config): StripeGateway {
  return new StripeGateway({
    secretKey: config.stripe.secretKey ?? SANDBOX_SECRET_KEY,
    apiBase: config.stripe.apiBase ?? (config.stripe.useSandbox ? `http://127.0.0.1:${config.stripe.sandboxPort}` : undefined),
    webhookSecrets: [...config.stripe.webhookSecrets],
    ...stripePolicyFor(config),
  });
}

/** `STRIPE_REQUESTS_PER_SECOND`, when set, replaces the default budget (and its per-operation caps). */
export function stripePolicyFor(config: Config): { policy?: { requestsPerSecond: number; perOperation: Record<string, number> } } {
  const rps = config.stripe.requestsPerSecond;
  return rps === undefined ? {} : { policy: { requestsPerSecond: rps, perOperation: {} } };
}

/** The key the service uses with the local sandbox (which accepts any `sk_test_` key). */
export const SANDBOX_SECRET_KEY = 'sk_test_payouts_local_sandbox';

/**
 * Build the HTTP app: the error model of DESIGN.md §10, request ids, structured logs, metrics,
 * OpenAPI + Swagger UI, and the routes. The app is returned before `ready()`, so a caller (a
 * test) may still add routes; `listen()` and `inject()` make it ready.
 *
 * @example
 * const app = await buildApp({ config, database });
 * const reply = await app.inject({ method: 'GET', url: '/healthz' }); // 200 {"status":"ok"}
 */
export async function buildApp(deps: AppDependencies): Promise<App> {
  const { config, database } = deps;
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger({ level: config.logLevel }),
    genReqId: requestIdFor,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // Probes and scrapers call these every few seconds: no incoming/completed lines for them.
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url.split('?')[0] ?? ''),
    }),
    frameworkErrors: replyToFrameworkError,
    // Unset: request.ip is the socket's peer. Set: the client address X-Forwarded-For names past the trusted proxies.
    trustProxy: trustProxyOption(config.http.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('deps', {
    config,
    database,
    clock: deps.clock ?? new AdjustableClock(),
    stripe: deps.stripe ?? stripeGatewayFor(config),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The API speaks JSON only: a text/plain body is refused with 415 instead of reaching a route as a
  // string. Scopes that need another body (the Stripe webhook's raw Buffer) add their own parser.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  const metrics = createHttpMetrics();
  app.addHook('onResponse', async (request, reply) => metrics.observe(request, reply));
  registerErrorHandling(app);
  // Before every route: text PostgreSQL cannot store is a 400 INVALID_TEXT (docs/security.md).
  registerStorableTextGuard(app);

  // First: its security headers apply to every route registered after it.
  await registerWebApp(app, { root: deps.webRoot, embedAllowedOrigins: config.web.embedAllowedOrigins });
  await registerApiDocs(app);
  await registerAuth(app);
  await app.register(authEmbedRoutes);
  await app.register(healthRoutes);
  await app.register(readinessRoutes, { database });
  registerBusinessMetrics(metrics.registry, database);
  await app.register(metricsRoutes, { registry: metrics.registry, token: config.metricsToken });
  await app.register(creatorRoutes);
  await app.register(stripeWebhookRoutes);
  await app.register(adminWebhookRoutes);
  await app.register(platformPaymentRoutes);
  await app.register(checkoutSessionRoutes);
  await app.register(creatorBalanceRoutes);
  await app.register(creatorPayoutRoutes);
  await app.register(adminPaymentRoutes);
  await app.register(adminRefundRoutes);
  await app.register(adminPayoutRoutes);
  await app.register(adminAuditRoutes);
  await app.register(adminApiKeyRoutes);
  await app.register(adminCreatorRoutes);
  await app.register(adminAnalyticsRoutes);
  await app.register(creatorProfileRoutes);
  await app.register(notificationRoutes);
  await app.register(adminNotificationRoutes);
  await app.register(adminAlertRoutes);
  await app.register(adminReconciliationRoutes);
  await app.register(adminBalanceRoutes);
  await app.register(cronRoutes);
  if (config.enableTestClock) await app.register(testClockRoutes, { afterAdvance: deps.afterClockAdvance });
  return app;
}

/** Fastify's `trustProxy` for TRUST_PROXY: N hops (what Fastify itself does with a number), a list of addresses, or none. */
function trustProxyOption(setting: number | string[] | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (setting === undefined) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}
