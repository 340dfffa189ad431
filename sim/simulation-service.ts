import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { buildApp, SANDBOX_SECRET_KEY } from '../src/http/app.js';
import { createLogger } from '../src/http/logger.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { StripeGateway } from '../src/providers/stripe/index.js';
import type { AdvanceableClock } from '../src/sandbox/index.js';
import { startTestSandbox } from '../src/sandbox/testing/test-sandbox.js';
import { simulationEnv, type SimulationService } from './run-history.js';

/** A Stripe request the sandbox never answers (an injected timeout) fails after this long: short, as each costs a history this much idle time. */
const STRIPE_TIMEOUT_MS = 1500;

/**
 * The request budget: test mode's default (20 requests/s, evenly spaced, 10/s for transfers and
 * reconciliation's reads) made every Stripe call of a history wait its turn, which was most of a
 * history's time. The sandbox is local; the budget's own behaviour is tested in request-policy.test.ts.
 */
const STRIPE_POLICY = { maxAttempts: 1, requestsPerSecond: 2000, perOperation: { 'transfers.create': 1000, 'payouts.create': 1000, 'reconcile.read': 1000 } };

/**
 * The service for one history, as test/app.ts `createTestApp({ listen: true })` builds it — the
 * app listening on a random port, a sandbox sharing its clock, both webhook endpoints registered —
 * on the database given (closed with it; left to the caller when starting fails), with a short Stripe timeout so injected timeouts cost
 * little, and the simulation's settings.
 */
export async function startSimulationService(database: Database, settings: Record<string, string> = {}): Promise<SimulationService & { loggedErrors: string[]; close(): Promise<void> }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CRON_SECRET: 'simulation-cron-secret-0123456789', ...simulationEnv, ...settings });
  const clock = new AdjustableClock();
  const sharedClock: AdvanceableClock = { now: () => clock.now().getTime(), advance: (seconds) => void clock.advance(seconds) };
  const testSandbox = await startTestSandbox({ clock: sharedClock });
  const stripe = new StripeGateway({
    secretKey: SANDBOX_SECRET_KEY,
    apiBase: testSandbox.sandbox.url,
    webhookSecrets: [...config.stripe.webhookSecrets],
    policy: STRIPE_POLICY,
    timeoutMs: STRIPE_TIMEOUT_MS,
  });
  // The set-up's own calls and the checks' (no fault is injected then) wait as long as they need: on a loaded machine one can outlast the short timeout.
  const patientStripe = new StripeGateway({ secretKey: SANDBOX_SECRET_KEY, apiBase: testSandbox.sandbox.url, webhookSecrets: [], policy: STRIPE_POLICY, timeoutMs: 30_000 });
  // What the service logs as an error (a 5xx's stack, a failed job), kept to explain a violation; the last 50.
  const loggedErrors: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void (loggedErrors.push(line.slice(0, 4000)) > 50 && loggedErrors.shift()) } });
  const app = await buildApp({ config, database, clock, stripe, logger, afterClockAdvance: () => testSandbox.sandbox.processDueChanges() });
  const stop = async () => {
    await app.close();
    await testSandbox.sandbox.close();
  };
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    for (const connect of [false, true]) stripe.addWebhookSecret(await patientStripe.createWebhookEndpoint({ url: `${url}/api/webhooks/stripe`, connect }));
  } catch (error) {
    // Whatever started is stopped (the caller closes the database): a server left listening would keep the worker from ever exiting.
    await stop();
    throw error;
  }
  return {
    app,
    database,
    config,
    clock,
    stripe,
    testSandbox,
    patientStripe,
    loggedErrors,
    async close() {
      await stop();
      await database.close();
    },
  };
}

