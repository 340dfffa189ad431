import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import { SANDBOX_SECRET_KEY, stripeGatewayFor, stripePolicyFor } from '../http/app.js';
import type { AdjustableClock } from '../providers/clock/index.js';
import { StripeGateway } from '../providers/stripe/index.js';
import { startSandbox, type AdvanceableClock, type Sandbox } from '../sandbox/index.js';

/** The in-process sandbox's state file, in DATA_DIR with the embedded database. */
export const SANDBOX_STATE_FILE = 'stripe-sandbox.json';

export interface StripeConnection {
  gateway: StripeGateway;
  /** The in-process sandbox, when the service runs without a Stripe key. */
  sandbox: Sandbox | undefined;
  /** Once the service listens: register its webhook endpoint on the in-process sandbox. */
  registerWebhookEndpoint(serviceUrl: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Real Stripe when STRIPE_SECRET_KEY is set (or STRIPE_API_BASE names a compatible server);
 * otherwise the local sandbox, started in this process on STRIPE_SANDBOX_PORT and sharing the
 * service's clock, so that moving the test clock moves both (DESIGN.md §5, §10).
 */
export async function connectStripe(config: Config, clock: AdjustableClock, logger: FastifyBaseLogger): Promise<StripeConnection> {
  if (!config.stripe.useSandbox || config.stripe.apiBase) {
    const gateway = stripeGatewayFor(config);
    logger.info({ apiBase: config.stripe.apiBase ?? 'https://api.stripe.com' }, 'Stripe: using the configured key');
    return { gateway, sandbox: undefined, registerWebhookEndpoint: async () => {}, close: async () => {} };
  }
  const sharedClock: AdvanceableClock = { now: () => clock.now().getTime(), advance: (seconds) => void clock.advance(seconds) };
  // With the embedded database the sandbox's objects live next to it, so that a restart finds both
  // (docs/sandbox.md "State file"); with PostgreSQL (tests, CI) the sandbox stays in memory.
  const stateFile = config.database.embedded ? join(config.database.dataDir, SANDBOX_STATE_FILE) : undefined;
  const sandbox = await startSandbox({ port: config.stripe.sandboxPort, clock: sharedClock, ...(stateFile && { stateFile }) });
  const gateway = new StripeGateway({ secretKey: SANDBOX_SECRET_KEY, apiBase: sandbox.url, webhookSecrets: [...config.stripe.webhookSecrets], ...stripePolicyFor(config) });
  logger.info({ sandbox: sandbox.url }, `Stripe: local sandbox at ${sandbox.url} (no STRIPE_SECRET_KEY set)`);
  return {
    gateway,
    sandbox,
    async registerWebhookEndpoint(serviceUrl) {
      const url = `${serviceUrl.replace(/\/$/, '')}/api/webhooks/stripe`;
      for (const connect of [false, true]) gateway.addWebhookSecret(await gateway.createWebhookEndpoint({ url, connect }));
      logger.info({ webhookUrl: url }, 'Stripe sandbox: webhook endpoint registered');
    },
    close: () => sandbox.close(),
  };
}
