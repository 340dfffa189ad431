import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { App } from '../http/app.js';
import { createLogger } from '../http/logger.js';
import type { Scheduler } from '../jobs/index.js';
import { startDataDirFromTemplate } from './data-dir-template.js';
import type { StripeConnection } from './stripe-connection.js';
import { formatWelcomeBanner } from './welcome-banner.js';

/**
 * The service's modules, imported when it starts rather than with this file: their second or so of
 * loading then overlaps with the copy of the database template (a child process).
 */
async function loadServiceModules() {
  const [database, migrate, app, webApp, clock, jobs, stripeConnection, notifications] = await Promise.all([
    import('../db/database.js'),
    import('../db/migrate.js'),
    import('../http/app.js'),
    import('../http/web-app.js'),
    import('../providers/clock/index.js'),
    import('../jobs/index.js'),
    import('./stripe-connection.js'),
    import('../services/notifications/notification-worker.js'),
  ]);
  return { ...database, ...migrate, ...app, ...webApp, ...clock, ...jobs, ...stripeConnection, ...notifications };
}

export interface StartServerOptions {
  /**
   * Default: `createLogger({ level: config.logLevel })`, readable lines (pino-pretty) when stdout is
   * a terminal and JSON lines otherwise.
   */
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
  /** The built dashboards served at `/` (default dist/web); tests point it at a build of their own. */
  webRoot?: string;
  /**
   * Once ready, tell the person who started it where to click and how to log in to the demo: a few
   * plain lines on a terminal, one log line otherwise. Default: when no `logger` is passed (the
   * `serve` command), not when a caller brings its own (tests, benchmarks).
   */
  banner?: boolean;
  /** An initialised, migrated database a fresh DATA_DIR starts from (default dist/pglite-template; see data-dir-template.ts). */
  dataDirTemplate?: string;
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
  const pretty = options.logger === undefined && process.stdout.isTTY === true;
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty });
  // A failure here is openDatabase's to report, with its own message.
  const fromTemplate = config.database.url ? Promise.resolve(false) : startDataDirFromTemplate(config.database.dataDir, options.dataDirTemplate).catch(() => false);
  const { openDatabase, runMigrations, buildApp, defaultWebRoot, AdjustableClock, jobs, startScheduler, connectStripe, startNotificationWorker, emailTransportFor, deliverySettings } =
    await loadServiceModules();
  if (await fromTemplate) {
    logger.info({ dataDir: config.database.dataDir }, `Database: new data directory ${config.database.dataDir}, copied from the build's migrated template`);
  }
  const database = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, whenLocked: 'refuse', poolSize: options.poolSize });
  let app: App | undefined;
  let stripe: StripeConnection | undefined;
  try {
    const { applied } = await runMigrations(database);
    logger.info({ database: database.description, applied }, `Database: ${database.description} (${applied} migration(s) applied)`);
    const clock = new AdjustableClock();
    stripe = await connectStripe(config, clock, logger);
    const sandbox = stripe.sandbox;
    const webRoot = options.webRoot ?? defaultWebRoot;
    app = await buildApp({ config, database, logger, clock, stripe: stripe.gateway, afterClockAdvance: () => sandbox?.processDueChanges(), webRoot });
    const connections = closeConnectionsAfterAnswers(app.server);
    const url = await app.listen({ host: config.http.host, port: config.http.port });
    await stripe.registerWebhookEndpoint(url);
    if (config.demo) await seedDemoOnStart({ app, database, stripe, logger });
    const scheduler: Scheduler = await startScheduler({ jobs, context: { config, database, clock, stripe: stripe.gateway }, logger });
    const transport = emailTransportFor(config, database.db, clock);
    logger.info({ transport: transport.kind }, transport.kind === 'smtp' ? 'Notifications: emails go out through SMTP_URL' : 'Notifications: no SMTP_URL, so emails are kept in the local mailbox (GET /api/admin/mailbox)');
    const notificationWorker = startNotificationWorker({
      db: database.db,
      clock,
      transport,
      settings: deliverySettings(config),
      onError: (error) => logger.error({ err: error }, 'Notification delivery failed'),
      onDelivered: (report) => logger.debug({ ...report }, 'Notifications delivered'),
    });
    const connection = stripe;

    const started = app;
    let closing: Promise<void> | undefined;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const close = () =>
      (closing ??= (async () => {
        try {
          connections.stopping();
          // Together, not one after the other: a slow request (a long sweep under load) must not use
          // up the time the notification worker needs to finish its batch. A batch cut short by the
          // shutdown timeout is sent again after its lease — the same emails twice.
          const stopped = await Promise.allSettled([
            started.close(), // stops listening; in-flight requests finish first
            scheduler.stop(),
            notificationWorker.stop(),
          ]);
          const failure = stopped.find((result) => result.status === 'rejected');
          if (failure) throw failure.reason;
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
    // Said once a signal is handled gracefully: whoever waits for this line may stop the service at once.
    logger.info({ url, database: database.description }, `Payouts is listening on ${url}`);
    if (options.banner ?? options.logger === undefined) await showWelcomeBanner({ url, config, database, webRoot, logger, pretty });
    return { app: started, url, database, close, closed };
  } catch (error) {
    await app?.close();
    await stripe?.close();
    await database.close();
    throw error;
  }
}

/**
 * Fastify's `close()` waits for every connection to end. It closes those idle when it starts, but
 * one whose request is still running stays open after its answer until Node's keep-alive timeout
 * (72 s): behind a load balancer that keeps connections alive, a SIGTERM during a request outlasted
 * the shutdown timeout, and the process exited 1 without stopping its scheduler, its notification
 * worker or its pool. So once the service is stopping, every answer still to be sent says
 * `Connection: close`, and the connection ends with it.
 */
function closeConnectionsAfterAnswers(server: Server): { stopping(): void } {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
    else response.once('finish', () => response.socket?.end());
  };
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (stopping) closeAfter(response);
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  return {
    stopping() {
      stopping = true;
      for (const response of inFlight) closeAfter(response);
    },
  };
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
    const { seedDemoData } = await import('../demo/seed-demo-data.js');
    const result = await seedDemoData({ app, database, stripe: stripe.gateway, logger });
    if (!result.seeded) logger.info(`DEMO: not seeded; ${result.reason}`);
  } catch (error) {
    logger.error({ err: error }, 'DEMO: seeding the demo data failed; the service runs without it');
  }
}

/** The banner of `npm start` (welcome-banner.ts): on a terminal as plain text, else as one log line. */
async function showWelcomeBanner(input: { url: string; config: Config; database: Database; webRoot: string; logger: FastifyBaseLogger; pretty: boolean }): Promise<void> {
  const { url, config, database, webRoot, logger, pretty } = input;
  const [{ DEMO_ADMIN, DEMO_CREATORS }, { eq }, { users }] = await Promise.all([import('../demo/seed-demo-data.js'), import('drizzle-orm'), import('../db/schema/index.js')]);
  const [demoAdmin] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ADMIN.email)).limit(1);
  const demo = demoAdmin ? { password: DEMO_ADMIN.password, admin: DEMO_ADMIN.email, creators: DEMO_CREATORS.map((creator) => creator.email) } : undefined;
  const dataDir = config.database.url ? undefined : config.database.dataDir;
  const banner = formatWelcomeBanner({ url, dashboardsBuilt: existsSync(join(webRoot, 'index.html')), ...(demo && { demo }), ...(dataDir !== undefined && { dataDir }) });
  if (pretty) process.stdout.write(banner);
  else logger.info({ url, demoLogins: demo }, banner.trim());
}

