import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { runMigrations } from '../db/migrate.js';
import { buildApp, type App } from '../http/app.js';
import { createLogger } from '../http/logger.js';
import { AdjustableClock } from '../providers/clock/index.js';
import { jobs, startScheduler, type Scheduler } from '../jobs/index.js';
import { seedDemoData } from '../demo/seed-demo-data.js';
import { connectStripe, type StripeConnection } from './stripe-connection.js';

export interface StartServerOptions {
  /** Default: `createLogger({ level: config.logLevel })`. */
  logger?: FastifyBaseLogger;
  /**
   * Install SIGTERM/SIGINT handlers that shut down gracefully and exit the process: 0 when the
   * shutdown completes, 1 when it fails or outlasts `shutdownTimeoutMs`. Default true; tests
   * that run a server in-process pass false and call `close()`.
   */
  handleSignals?: boolean;
  /** How long in-flight requests get to finish after a signal (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Connections in the service's database pool (default: `openDatabase`'s). A benchmark sizes it to its clients. */
  poolSize?: number;
}

export interface RunningServer {
  app: App;
  /** Where it listens, with the real port (`PORT=0` picks a free one). */
  url: string;
  database: Database;
  /** Stop accepting connections, let in-flight requests finish, then close the database. Idempotent. */
  close(): Promise<void>;
  /** Settles when the server has been closed, by `close()` or by a signal. */
  closed: Promise<void>;
}

/**
 * Run the service: open the database (embedded PGlite in DATA_DIR, or PostgreSQL), apply pending
 * migrations, build the app and listen on HOST:PORT.
 *
 * @example
 * const server = await startServer(loadConfig(process.env));
 * console.log(server.url); // http://127.0.0.1:3000
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, whenLocked: 'refuse', poolSize: options.poolSize });
  let app: App | undefined;
  let stripe: StripeConnection | undefined;
  try {
    const { applied } = await runMigrations(database);
    logger.info({ database: database.description, applied }, `Database: ${database.description} (${applied} migration(s) applied)`);
    const clock = new AdjustableClock();
    stripe = await connectStripe(config, clock, logger);
    const sandbox = stripe.sandbox;
    app = await buildApp({ config, database, logger, clock, stripe: stripe.gateway, afterClockAdvance: () => sandbox?.processDueChanges() });
    const url = await app.listen({ host: config.http.host, port: config.http.port });
    await stripe.registerWebhookEndpoint(url);
    if (config.demo) await seedDemoOnStart({ app, database, stripe, logger });
    const scheduler: Scheduler = await startScheduler({ jobs, context: { config, database, clock, stripe: stripe.gateway }, logger });
    logger.info({ url, database: database.description }, `Payouts is listening on ${url}`);
    const connection = stripe;

    const started = app;
    let closing: Promise<void> | undefined;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const close = () =>
      (closing ??= (async () => {
        try {
          await started.close(); // stops listening; in-flight requests finish first
          await scheduler.stop();
        } finally {
          await connection.close().catch((error: unknown) => logger.error({ err: error }, 'Stopping the Stripe sandbox failed'));
          await database.close();
          removeSignalHandlers();
          markClosed();
        }
      })());

    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        logger.warn({ signal }, 'Second signal during shutdown: exiting now');
        process.exit(1);
      }
      logger.info({ signal }, `Received ${signal}: shutting down`);
      const timer = setTimeout(() => {
        logger.error({ timeoutMs: options.shutdownTimeoutMs ?? 10_000 }, 'Shutdown timed out: exiting');
        process.exit(1);
      }, options.shutdownTimeoutMs ?? 10_000);
      timer.unref();
      close().then(
        () => {
          logger.info('Stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'Shutdown failed');
          process.exit(1);
        },
      );
    };
    const removeSignalHandlers = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    };
    if (options.handleSignals ?? true) {
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    }
    return { app: started, url, database, close, closed };
  } catch (error) {
    await app?.close();
    await stripe?.close();
    await database.close();
    throw error;
  }
}

/**
 * DEMO: seed an empty database (docs/demo.md). Only with the in-process sandbox: its webhooks
 * reach this server, and no real Stripe account gets demo creators. A failure is logged and the
 * service keeps running: the demo is a convenience, never a reason not to start.
 */
async function seedDemoOnStart(deps: { app: App; database: Database; stripe: StripeConnection; logger: FastifyBaseLogger }): Promise<void> {
  const { app, database, stripe, logger } = deps;
  if (!stripe.sandbox) {
    logger.info('DEMO: not seeded; demo data needs the local Stripe sandbox (no STRIPE_SECRET_KEY, no STRIPE_API_BASE)');
    return;
  }
  try {
    const result = await seedDemoData({ app, database, stripe: stripe.gateway, logger });
    if (!result.seeded) logger.info(`DEMO: not seeded; ${result.reason}`);
  } catch (error) {
    logger.error({ err: error }, 'DEMO: seeding the demo data failed; the service runs without it');
  }
}
