/**
 * Webhook ingestion benchmark (issue 4): the real service, started in this process on a random
 * loopback port, receives signed `payment_intent.succeeded` events over HTTP from C concurrent
 * keep-alive clients running in a child process (`webhook-ingest-clients.ts`, bodies signed before
 * the clock starts); each event records a payment (fee split, ledger entry, audit event, outbox
 * message). Prints events/s and p50/p99 latency per database, then checks that every event made
 * exactly one payment, the ledger verifies, and no event failed. See bench/README.md.
 *
 *   npx tsx bench/webhook-ingest.ts [--events N] [--pglite-events N] [--clients C] [--creators N] [--db postgres|pglite|both] [--pool N] [--log-level warn|info]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { sql } from 'drizzle-orm';
import { startServer, type RunningServer } from '../src/cli/serve.js';
import { paymentReceiptGroupStats } from '../src/services/payments/record-payment.js';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { formatLedgerVerification, verifyLedger } from '../src/ledger/index.js';
import { systemClock } from '../src/providers/clock/index.js';
import { createUser } from '../src/services/users/create-user.js';
import { runConcurrently, type RunMeasurement } from './run-concurrently.js';
import type { ChildMessage, ParentMessage } from './webhook-ingest-clients.js';
import { createScratchDatabase, type BenchDatabaseKind, type ScratchDatabase } from './scratch-database.js';
import { formatWaits, watchServer, type ServerDiagnostics } from './server-diagnostics.js';

const DEFAULT_EVENTS = 20_000;
/**
 * PGlite runs every transaction in this process, one at a time (the session multiplexer), and
 * shares the CPU with the HTTP server and the clients: a smaller default keeps the default run
 * within a few minutes. Printed in the header; `--pglite-events` overrides it.
 */
const DEFAULT_PGLITE_EVENTS = 5_000;
const WARM_UP_EVENTS = 500;
const SECRET = 'whsec_bench_webhook_ingest_secret';
const CURRENCY = 'eur';

interface CliOptions {
  events?: number;
  pgliteEvents?: number;
  clients: number;
  creators: number;
  db: 'postgres' | 'pglite' | 'both';
  logLevel: 'warn' | 'info';
  pool?: number;
  batchSize?: number;
  batchConcurrency?: number;
  cpuProfile?: string;
}

interface RunResult {
  kind: BenchDatabaseKind;
  events: number;
  /** As the clients measured it; its CPU figure is the client process's. */
  measurement: RunMeasurement;
  /** CPU of this process (the service; on PGlite the database too) during the timed run, per event. */
  serverCpuUsPerEvent: number;
  /** Receipts per statement over the timed run (WEBHOOK_BATCH_SIZE); undefined when grouping is off. */
  meanGroupSize?: number;
  batch: string;
  server?: ServerDiagnostics | undefined;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  load: number;
}

const abort = new AbortController();

function positiveInteger(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

async function createCreators(database: Database, count: number, run: string): Promise<string[]> {
  const context = { config: loadConfig({}), clock: systemClock };
  const ids: string[] = new Array<string>(count);
  await runConcurrently({
    label: 'creators',
    count,
    writers: 4,
    signal: abort.signal,
    work: async (i) => {
      const { creator } = await database.db.transaction((tx) =>
        createUser(tx, { email: `creator-${run}-${i}@bench.example`, name: `Creator ${i}`, role: 'CREATOR', creator: {}, actor: 'system:bench' }, context),
      );
      if (!creator) throw new Error('createUser returned no creator');
      ids[i] = creator.id;
    },
  });
  return ids;
}


/**
 * Fork the HTTP clients (`webhook-ingest-clients.ts`) into a process of their own, with this
 * process's loader flags (tsx). `request` sends a step and resolves with the child's answer.
 */
async function startClients(): Promise<{ request: <T extends ChildMessage['type']>(message: ParentMessage, expect: T) => Promise<Extract<ChildMessage, { type: T }>>; stop: () => void }> {
  const child = fork(new URL('./webhook-ingest-clients.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending: { resolve: (message: ChildMessage) => void; reject: (error: Error) => void } | undefined;
  child.on('message', (message: ChildMessage) => pending?.resolve(message));
  child.on('exit', (code, signal) => pending?.reject(new Error(`the client process exited (${signal ?? code}) before answering`)));
  const onAbort = () => child.kill('SIGINT');
  abort.signal.addEventListener('abort', onAbort);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return {
    request: (message, expect) =>
      new Promise((resolve, reject) => {
        pending = {
          resolve: (answer) => {
            pending = undefined;
            if (answer.type === expect) resolve(answer as never);
            else reject(new Error(answer.type === 'error' ? `clients: ${answer.message}` : `clients answered ${answer.type}, expected ${expect}`));
          },
          reject,
        };
        child.send(message);
      }),
    stop: () => {
      abort.signal.removeEventListener('abort', onAbort);
      if (child.connected) child.disconnect();
    },
  };
}

/** The V8 profiler of this (the server's) process, over the timed run only. */
async function startProfiler(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.error(`CPU profile of the server process: ${file}`);
    },
  };
}

/** The database the server will own: a scratch PostgreSQL database, or a temporary PGlite directory. */
async function prepareDatabase(kind: BenchDatabaseKind): Promise<{ env: Record<string, string>; scratch?: ScratchDatabase; cleanUp: () => Promise<void> }> {
  if (kind === 'postgres') {
    // Migrated by the scratch helper; its own small pool creates the creators and checks the end state.
    const scratch = await createScratchDatabase('postgres', 4);
    return { env: { DATABASE_URL: scratch.database.connectionString }, scratch, cleanUp: () => scratch.drop() };
  }
  const dataDir = mkdtempSync(join(os.tmpdir(), 'payouts-bench-webhooks-'));
  return { env: { DATA_DIR: dataDir }, cleanUp: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function runOne(kind: BenchDatabaseKind, events: number, options: CliOptions): Promise<RunResult> {
  const prepared = await prepareDatabase(kind);
  let server: RunningServer | undefined;
  try {
    const config = loadConfig({
      ...prepared.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: options.logLevel,
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_SANDBOX_PORT: '0',
      DEMO: 'false',
      ...(options.batchSize ? { WEBHOOK_BATCH_SIZE: String(options.batchSize) } : {}),
      ...(options.batchConcurrency ? { WEBHOOK_BATCH_CONCURRENCY: String(options.batchConcurrency) } : {}),
    });
    server = await startServer(config, { handleSignals: false, ...(options.pool ? { poolSize: options.pool } : {}) });
    // PGlite: the server owns the data directory; everything else goes through its pool.
    const database = prepared.scratch?.database ?? server.database;
    const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;

    const creatorIds = await createCreators(database, options.creators, run);
    const clients = await startClients();
    try {
      await clients.request({ type: 'prepare', url: new URL('/api/webhooks/stripe', server.url).toString(), secret: SECRET, run, creatorIds, currency: CURRENCY, warmUp: WARM_UP_EVENTS, events, clients: options.clients, label: `${kind} webhooks ×${options.clients}` }, 'ready');
      // Warms the server's pool and JIT (the clients' connections are open already); not timed, but checked below.
      await clients.request({ type: 'warm-up' }, 'warmed');
      const watch = kind === 'postgres' ? await watchServer(database.connectionString) : undefined;
      const groupsBefore = { ...(paymentReceiptGroupStats(server.database.db) ?? { groups: 0, items: 0 }) };
      const profiler = options.cpuProfile ? await startProfiler() : undefined;
      const serverCpuBefore = process.cpuUsage();
      let measurement: RunMeasurement;
      try {
        const done = await clients.request({ type: 'run' }, 'done');
        measurement = done.measurement;
      } catch (error) {
        await watch?.stop(0).catch(() => undefined);
        throw error;
      }
      const serverCpu = process.cpuUsage(serverCpuBefore);
      if (profiler && options.cpuProfile) await profiler.stop(`${options.cpuProfile.replace(/\.cpuprofile$/, '')}-${kind}.cpuprofile`);
      const groupsAfter = paymentReceiptGroupStats(server.database.db);
      const meanGroupSize = groupsAfter && groupsAfter.groups > groupsBefore.groups ? (groupsAfter.items - groupsBefore.items) / (groupsAfter.groups - groupsBefore.groups) : undefined;
      const diagnostics = await watch?.stop(events);
      const load = os.loadavg()[0] ?? 0;
      const checks = await checkEndState(database, events + WARM_UP_EVENTS);
      return { kind, events, measurement, serverCpuUsPerEvent: (serverCpu.user + serverCpu.system) / events, meanGroupSize, batch: `${config.webhookIngest.batchSize} / ${config.webhookIngest.batchConcurrency}`, server: diagnostics, checks, load };
    } finally {
      clients.stop();
    }
  } finally {
    await server?.close();
    await prepared.cleanUp();
  }
}

/** Every event stored once and completed, one payment each, and a ledger that verifies. */
async function checkEndState(database: Database, expected: number): Promise<RunResult['checks']> {
  const counts = await database.db.execute<{ payments: number; events: number; completed: number; failed: number; duplicates: number; entries: number; outbox: number; audit: number }>(sql`
    select (select count(*)::int from payments) as payments,
           (select count(*)::int from webhook_events) as events,
           (select count(*)::int from webhook_events where status = 'completed') as completed,
           (select count(*)::int from webhook_events where status = 'failed') as failed,
           (select coalesce(sum(duplicates), 0)::int from webhook_events) as duplicates,
           (select count(*)::int from ledger_entries where kind = 'payment.received') as entries,
           (select count(*)::int from outbox_messages where topic = 'payment.received') as outbox,
           (select count(*)::int from audit_events where action = 'payment.recorded') as audit`);
  const c = counts.rows[0]!;
  const verification = await verifyLedger(database.db);
  const equal = (name: string, actual: number) => ({ name, ok: actual === expected, detail: `${actual.toLocaleString('en-US')} (expected ${expected.toLocaleString('en-US')})` });
  return [
    equal('payments', c.payments),
    equal('webhook events stored', c.events),
    equal('webhook events completed', c.completed),
    { name: 'webhook events failed', ok: c.failed === 0, detail: String(c.failed) },
    { name: 'duplicates counted', ok: c.duplicates === 0, detail: String(c.duplicates) },
    equal('ledger entries payment.received', c.entries),
    equal('audit events payment.recorded', c.audit),
    equal('outbox messages payment.received', c.outbox),
    { name: 'verifyLedger', ok: verification.ok, detail: verification.ok ? 'ok' : formatLedgerVerification(verification) },
  ];
}

function report(results: RunResult[], options: CliOptions): void {
  console.log('');
  console.log('| database | events | clients | group size (max / in flight) | events per statement | events/s | p50 ms | p99 ms | max ms | server process CPU µs/event | client process CPU µs/event | load |');
  console.log('|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results) {
    const m = r.measurement;
    console.log(
      `| ${r.kind} | ${r.events.toLocaleString('en-US')} | ${options.clients} | ${r.batch} | ${r.meanGroupSize === undefined ? '1' : r.meanGroupSize.toFixed(1)} | ${Math.round(m.perSecond).toLocaleString('en-US')} | ${m.p50Ms.toFixed(2)} | ${m.p99Ms.toFixed(2)} | ${m.maxMs.toFixed(1)} | ${Math.round(r.serverCpuUsPerEvent)} | ${Math.round(m.clientCpuUsPerOp)} | ${r.load.toFixed(2)} |`,
    );
  }
  for (const r of results) {
    if (r.server) console.log(`${r.kind}: WAL ${Math.round(r.server.walBytesPerTx)} B/event; PostgreSQL backends CPU ${r.server.serverCpuUsPerTx === undefined ? 'n/a' : `${Math.round(r.server.serverCpuUsPerTx)} µs/event`}; backends: ${formatWaits(r.server)}`);
    for (const check of r.checks) console.log(`${r.kind}: ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  }
}

async function main(): Promise<void> {
  const options = new Command()
    .name('webhook-ingest')
    .description('Signed payment_intent.succeeded webhooks per second through the real service')
    .option('--events <n>', `events per run (default ${DEFAULT_EVENTS.toLocaleString('en-US')} on PostgreSQL)`, positiveInteger)
    .option('--pglite-events <n>', `events on PGlite (default --events if given, else ${DEFAULT_PGLITE_EVENTS.toLocaleString('en-US')})`, positiveInteger)
    .option('--clients <n>', 'concurrent HTTP clients (keep-alive connections)', positiveInteger, 32)
    .option('--creators <n>', 'creators the payments are spread over', positiveInteger, 1_000)
    .addOption(new Option('--db <kind>', 'which database').choices(['postgres', 'pglite', 'both']).default('postgres'))
    .option('--pool <n>', "connections in the service's database pool (default: the service's own, 10 on PostgreSQL)", positiveInteger)
    .option('--batch-size <n>', 'WEBHOOK_BATCH_SIZE: receipts per statement at most (1: one by one; default: the service\'s)', positiveInteger)
    .option('--batch-concurrency <n>', 'WEBHOOK_BATCH_CONCURRENCY: groups in the database at once (default: the service\'s)', positiveInteger)
    .option('--cpu-profile <file>', "write a V8 CPU profile of the server process over the timed run (FILE-<db>.cpuprofile; open it in Chrome's DevTools)")
    .addOption(new Option('--log-level <level>', "the service's LOG_LEVEL (info logs every request)").choices(['warn', 'info']).default('warn'))
    .parse()
    .opts<CliOptions>();

  process.once('SIGINT', () => abort.abort());
  const kinds: BenchDatabaseKind[] = options.db === 'both' ? ['postgres', 'pglite'] : [options.db];
  const eventsFor = (kind: BenchDatabaseKind) => (kind === 'pglite' ? (options.pgliteEvents ?? options.events ?? DEFAULT_PGLITE_EVENTS) : (options.events ?? DEFAULT_EVENTS));
  console.log(
    `webhook ingestion: ${kinds.map((k) => `${k} ${eventsFor(k).toLocaleString('en-US')} events`).join(', ')}; ${options.clients} clients; ` +
      `${options.creators.toLocaleString('en-US')} creators; LOG_LEVEL=${options.logLevel}; pool ${options.pool ?? 'default'}; ${os.cpus().length} CPUs; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const results: RunResult[] = [];
  for (const kind of kinds) results.push(await runOne(kind, eventsFor(kind), options));
  report(results, options);
  if (results.some((r) => r.checks.some((c) => !c.ok))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
