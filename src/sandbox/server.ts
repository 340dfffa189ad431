import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { createSandboxClock, isAdvanceableClock, type SandboxClock } from './clock.js';
import { DEFAULT_SETTINGS, type SandboxContext, type SandboxSettings } from './context.js';
import { registerControlRoutes } from './control-routes.js';
import { SandboxControls } from './controls.js';
import { processDueChanges } from './lifecycle.js';
import { registerAccountLinkRoutes } from './resources/account-links.js';
import { createPlatformAccount, registerAccountRoutes } from './resources/accounts.js';
import { registerBalanceRoutes } from './resources/balance.js';
import { registerChargeRoutes } from './resources/charges.js';
import { registerCheckoutSessionRoutes } from './resources/checkout-sessions.js';
import { registerDisputeRoutes } from './resources/disputes.js';
import { registerEventRoutes } from './resources/events.js';
import { registerPaymentIntentRoutes } from './resources/payment-intents.js';
import { registerPaymentMethodRoutes } from './resources/payment-methods.js';
import { registerPayoutRoutes } from './resources/payouts.js';
import { registerProductRoutes } from './resources/products.js';
import { registerRefundRoutes } from './resources/refunds.js';
import { advanceSandboxTime, registerTestClockRoutes } from './resources/test-clocks.js';
import { registerTransferRoutes } from './resources/transfers.js';
import { createWebhookEndpoint, registerWebhookEndpointRoutes } from './resources/webhook-endpoints.js';
import { createStripeRouter } from './router.js';
import { loadSandboxState, StatePersister } from './persistence.js';
import { ObjectStore, type StripeObject } from './state.js';
import { WebhookDispatcher, type WebhookDeliveryOptions } from './webhooks/delivery.js';
import { parseStripeForm, registerFormBodyParser } from './wire/form-body.js';
import { IdempotencyStore } from './wire/idempotency.js';
import { StripeApiError, invalidRequest } from './wire/stripe-error.js';

/** One request/response pair seen by the sandbox (for conformance checks in tests). */
export interface SandboxExchange {
  method: string;
  /** Path without the query string. */
  path: string;
  statusCode: number;
  /** The parsed JSON body (or the raw text when it is not JSON). */
  body: unknown;
}

export interface StartSandboxOptions {
  /** TCP port; 0 picks a free one. Default 12111. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Sandbox time; default: wall clock that `advanceClock` / the control endpoints can move forward. */
  clock?: SandboxClock;
  /** Fastify logger: `true`/pino options, or a pino-compatible logger instance. Default off. */
  logger?: boolean | Record<string, unknown> | FastifyBaseLogger;
  settings?: Partial<SandboxSettings>;
  webhooks?: Partial<WebhookDeliveryOptions>;
  /** How often time-driven changes are applied without a request (ms). Default 1000. */
  tickIntervalMs?: number;
  /** Called with every Stripe API (`/v1/…`) response the sandbox sends. */
  onResponse?: (exchange: SandboxExchange) => void;
  /**
   * Keep the objects in this JSON file across restarts (docs/sandbox.md "State file"): loaded at
   * start when it exists, saved shortly after each change and on close. Default: memory only.
   */
  stateFile?: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** `http://host:port` — point the SDK at it with `host`, `port` and `protocol: 'http'`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The platform account every `sk_test_…` key acts as. */
  readonly platformAccountId: string;
  readonly clock: SandboxClock;
  /** The in-memory objects (read them in tests; change them through the API). */
  readonly state: ObjectStore;
  readonly controls: SandboxControls;
  readonly webhooks: WebhookDispatcher;
  /** Moves sandbox time forward and applies what became due. */
  advanceClock(seconds: number): void;
  /**
   * Registers a webhook endpoint on the platform without an API call. `connect: true` receives
   * the connected accounts' events (payouts, account.updated); `secret` may be fixed.
   */
  addWebhookEndpoint(input: { url: string; enabledEvents?: string[]; connect?: boolean; secret?: string }): { id: string; secret: string };
  /** Applies time-driven changes due at the current sandbox time. */
  processDueChanges(): void;
  /** Forgets every object except the platform account (and, if asked, webhook endpoints). */
  reset(options?: { keepWebhookEndpoints?: boolean }): void;
  close(): Promise<void>;
}

/**
 * Starts the Stripe sandbox: an HTTP server speaking Stripe's API for the Connect resources
 * Payouts uses, with in-memory state.
 *
 * @example
 * const sandbox = await startSandbox({ port: 0 });
 * const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
 * await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true });
 * await sandbox.close();
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? createSandboxClock();
  const store = new ObjectStore();
  const context: SandboxContext = {
    store,
    clock,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    webhooks: new WebhookDispatcher(store, () => context.platformAccountId, options.webhooks),
    idempotency: new IdempotencyStore(clock),
    controls: new SandboxControls(),
    platformAccountId: '',
    baseUrl: '',
  };
  const saved = options.stateFile ? loadSandboxState(options.stateFile) : undefined;
  if (saved) {
    store.load(saved.records);
    context.platformAccountId = saved.platformAccountId;
  } else {
    createPlatformAccount(context);
  }
  const persister = options.stateFile ? new StatePersister(options.stateFile, context) : undefined;

  const app = buildApp(context, options);
  if (persister) {
    // Every change comes through a request that is not a GET (the API and the control routes).
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') persister.schedule();
    });
  }
  const reset = ({ keepWebhookEndpoints = false }: { keepWebhookEndpoints?: boolean } = {}) => resetSandbox(context, keepWebhookEndpoints);
  registerControlRoutes(app, context, reset);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 12111, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 12111);
  context.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const ticker = setInterval(() => processDueChanges(context), options.tickIntervalMs ?? 1000);
  ticker.unref();

  return {
    url: context.baseUrl,
    host,
    port,
    get platformAccountId() {
      return context.platformAccountId;
    },
    clock,
    state: store,
    controls: context.controls,
    webhooks: context.webhooks,
    advanceClock: (seconds) => {
      if (!isAdvanceableClock(clock)) throw new Error('This sandbox runs on an external clock; advance that clock instead');
      advanceSandboxTime(context, seconds);
      persister?.schedule();
    },
    addWebhookEndpoint: (input) => {
      const endpoint = createWebhookEndpoint(context, context.platformAccountId, { ...input, enabledEvents: input.enabledEvents ?? ['*'] });
      return { id: endpoint.id, secret: endpoint.secret };
    },
    processDueChanges: () => processDueChanges(context),
    reset: (resetOptions) => {
      reset(resetOptions);
      persister?.schedule();
    },
    close: async () => {
      clearInterval(ticker);
      context.webhooks.close();
      await app.close();
      persister?.flush();
    },
  };
}

function buildApp(context: SandboxContext, options: StartSandboxOptions): FastifyInstance {
  const logger = options.logger;
  const isLoggerInstance = typeof logger === 'object' && logger !== null && typeof (logger as { child?: unknown }).child === 'function';
  const app = Fastify({
    ...(isLoggerInstance ? { loggerInstance: logger as FastifyBaseLogger } : { logger: (logger as boolean | Record<string, unknown> | undefined) ?? false }),
    routerOptions: { querystringParser: (query: string) => parseStripeForm(query) },
    bodyLimit: 10 * 1024 * 1024,
  });
  registerFormBodyParser(app);

  const router = createStripeRouter(app, context);
  registerAccountRoutes(router);
  registerAccountLinkRoutes(router);
  registerBalanceRoutes(router);
  registerPaymentMethodRoutes(router);
  registerPaymentIntentRoutes(router);
  registerChargeRoutes(router);
  registerRefundRoutes(router);
  registerDisputeRoutes(router);
  registerTransferRoutes(router);
  registerPayoutRoutes(router);
  registerProductRoutes(router);
  registerCheckoutSessionRoutes(router);
  registerWebhookEndpointRoutes(router);
  registerEventRoutes(router);
  registerTestClockRoutes(router);

  app.setNotFoundHandler((request, reply) => {
    const error = invalidRequest(
      `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      { statusCode: 404 },
    );
    void reply.code(404).type('application/json').send(JSON.stringify(error.toJSON(), null, 2));
  });
  app.setErrorHandler((error, request, reply) => {
    const stripeError =
      error instanceof StripeApiError
        ? error
        : error instanceof ZodError
          ? invalidRequest(error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '))
          : (error as { statusCode?: number }).statusCode && ((error as { statusCode: number }).statusCode < 500)
            ? invalidRequest((error as Error).message)
            : undefined;
    if (!stripeError) request.log.error({ err: error }, 'sandbox request failed');
    const final = stripeError ?? new StripeApiError(500, { type: 'api_error', message: 'An unknown error occurred' });
    void reply.code(final.statusCode).headers(final.headers).type('application/json').send(JSON.stringify(final.toJSON(), null, 2));
  });

  if (options.onResponse) {
    const observe = options.onResponse;
    app.addHook('onSend', async (request, reply, payload) => {
      const path = request.url.split('?')[0] ?? request.url;
      if (path.startsWith('/v1/') && typeof payload === 'string') {
        let body: unknown = payload;
        try {
          body = JSON.parse(payload);
        } catch {
          // not JSON: handed over as text
        }
        observe({ method: request.method, path, statusCode: reply.statusCode, body });
      }
      return payload;
    });
  }
  return app;
}

function resetSandbox(context: SandboxContext, keepWebhookEndpoints: boolean): void {
  const platform = context.store.find(context.platformAccountId);
  const kept: Array<{ account: string; object: StripeObject; includable: Record<string, unknown> }> = [];
  const keepIds = new Set<string>();
  if (platform) keepIds.add(platform.id);
  for (const bank of context.store.list('bank_account', context.platformAccountId)) keepIds.add(bank.id);
  if (keepWebhookEndpoints) for (const endpoint of context.store.list('webhook_endpoint', null)) keepIds.add(endpoint.id);
  for (const id of keepIds) {
    const object = context.store.find(id);
    if (object) kept.push({ account: context.store.ownerOf(id) ?? context.platformAccountId, object, includable: context.store.includableFields(id) });
  }
  context.store.clear();
  for (const record of kept) context.store.insert(record.account, record.object, record.includable);
  context.idempotency.clear();
  context.controls.reset();
  context.webhooks.reset();
}
