import { loadConfig, type Config } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { buildApp, SANDBOX_SECRET_KEY, type App } from '../src/http/app.js';
import { createLogger } from '../src/http/logger.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { StripeGateway } from '../src/providers/stripe/index.js';
import type { AdvanceableClock, Sandbox } from '../src/sandbox/index.js';
import { startTestSandbox, type TestSandbox } from '../src/sandbox/testing/test-sandbox.js';
import { createTestDatabase } from './database.js';

export interface TestApp {
  app: App;
  database: Database;
  config: Config;
  /** The service's clock; when a sandbox runs, moving it moves the sandbox too. */
  clock: AdjustableClock;
  stripe: StripeGateway;
  /** Present with `sandbox: true`. */
  sandbox: Sandbox | undefined;
  testSandbox: TestSandbox | undefined;
  /** Present with `listen: true`: where the app listens (webhooks from the sandbox arrive here). */
  url: string | undefined;
  close(): Promise<void>;
}

/**
 * The whole service in-process for a test file: a fresh database, the app, and (optionally) a
 * local Stripe sandbox on a random port sharing the service's clock. With `listen: true` the app
 * listens on a random port and its webhook endpoints are registered on the sandbox, so payments
 * made in the sandbox arrive as real signed webhooks.
 */
export async function createTestApp(options: { env?: Record<string, string>; sandbox?: boolean; listen?: boolean } = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CRON_SECRET: 'test-cron-secret-0123456789', ...options.env });
  const database = await createTestDatabase();
  const clock = new AdjustableClock();
  let testSandbox: TestSandbox | undefined;
  if (options.sandbox || options.listen) {
    const sharedClock: AdvanceableClock = { now: () => clock.now().getTime(), advance: (seconds) => void clock.advance(seconds) };
    testSandbox = await startTestSandbox({ clock: sharedClock });
  }
  const stripe = new StripeGateway({
    secretKey: SANDBOX_SECRET_KEY,
    apiBase: testSandbox ? testSandbox.sandbox.url : 'http://127.0.0.1:9',
    webhookSecrets: [...config.stripe.webhookSecrets],
    policy: { maxAttempts: 1 },
  });
  const app = await buildApp({ config, database, clock, stripe, logger: createLogger({ level: 'silent' }), afterClockAdvance: () => testSandbox?.sandbox.processDueChanges() });
  let url: string | undefined;
  if (options.listen) {
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const connect of [false, true]) stripe.addWebhookSecret(await stripe.createWebhookEndpoint({ url: `${url}/api/webhooks/stripe`, connect }));
  }
  return {
    app,
    database,
    config,
    clock,
    stripe,
    sandbox: testSandbox?.sandbox,
    testSandbox,
    url,
    async close() {
      await app.close();
      await testSandbox?.sandbox.close();
      await database.close();
    },
  };
}
