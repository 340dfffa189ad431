import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import { Command, Option } from 'commander';
import pg from 'pg';
import { openDatabase, serveEmbedded, type Database } from '../src/db/database.js';
import { runMigrations } from '../src/db/migrate.js';
import { runHistory, serviceSettings, type HistoryResult } from './run-history.js';
import { startSimulationService } from './simulation-service.js';

/**
 * `npm run simulate -- --seed N --histories K` (issue 15 §2, docs/simulation.md): K histories,
 * seeds N … N+K−1, each on a fresh service, database (PGlite: a copy of one migrated template;
 * PostgreSQL: the worker's scratch database, emptied) and sandbox. Prints each failing seed's violations and the command that replays it, then the
 * figures: histories, violations, time. Exit code 1 when any history broke an invariant.
 *
 * `--workers W` runs the seeds in W child processes at once (worker i takes every W-th seed), each
 * with its own template database: one Node process runs one history at a time on one core, and a
 * history's own waits (webhooks, Stripe timeouts) leave the core idle meanwhile.
 */
const program = new Command()
  .name('simulate')
  .description('Deterministic simulation of the money path: generated histories with faults, checked after each')
  .option('--seed <n>', 'first seed', (v) => Number.parseInt(v, 10), 1)
  .option('--histories <k>', 'how many histories (seeds seed … seed+k−1)', (v) => Number.parseInt(v, 10), 10)
  .option('--steps <n>', 'steps per history (default: 40–60, from the seed)', (v) => Number.parseInt(v, 10))
  .option('--database-url <url>', 'run on PostgreSQL (a scratch database per history on this server); default: PGlite, or DATABASE_URL when set')
  .option('--verbose', "print every history's steps and counts")
  .option('--workers <w>', `run the histories in W processes at once (default 1; this machine has ${availableParallelism()} cores)`, (v) => Number.parseInt(v, 10), 1)
  .option('--minutes <m>', 'start no history after this many minutes (the figures then cover those run)', (v) => Number.parseFloat(v))
  .addOption(new Option('--shard <i/w>', 'internal: this worker runs the seeds seed+i, seed+i+w, …').hideHelp())
  .addOption(new Option('--deadline <ms>', 'internal: the parent\'s --minutes, as a time').argParser((v) => Number.parseInt(v, 10)).hideHelp())
  .parse();

const options = program.opts<{ seed: number; histories: number; steps?: number; databaseUrl?: string; verbose?: boolean; workers: number; minutes?: number; shard?: string; deadline?: number }>();
/** No history starts after this time (ms since the epoch). */
const deadline = options.deadline ?? (options.minutes === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.minutes * 60_000);
if (!Number.isInteger(options.workers) || options.workers < 1) program.error('--workers must be a whole number ≥ 1');
const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;

interface DatabaseFactory {
  kind: string;
  create(): Promise<Database>;
  dispose(): Promise<void>;
}

async function pgliteFactory(): Promise<DatabaseFactory> {
  const template = await PGlite.create();
  const migrated = await serveEmbedded(template, { description: 'simulation template' });
  await runMigrations(migrated);
  const dump = await template.dumpDataDir('none');
  await migrated.close();
  return {
    kind: 'PGlite',
    create: async () => serveEmbedded(await PGlite.create({ loadDataDir: dump }), { description: 'simulation PGlite', poolSize: 4 }),
    dispose: async () => undefined,
  };
}

async function postgresFactory(serverUrl: string): Promise<DatabaseFactory> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  // This worker's scratch database, migrated once and emptied before each history: creating a
  // database per history (a copy of a template) and dropping it cost about a sixth of a history's time.
  const name = `payouts_sim_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database "${name}"`);
  // A history's database is scratch: its commits need not wait for the disk (the server is never killed; the service is).
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  url.searchParams.set('options', '-c synchronous_commit=off');
  const migrated = await openDatabase({ url: url.toString(), dataDir: '' });
  await runMigrations(migrated);
  // Every table of the service (migrations fill none); the migrations' own record is in the drizzle schema.
  const { rows } = await migrated.pool.query<{ name: string }>(`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'public'`);
  await migrated.close();
  const tables = rows.map((row) => row.name);
  return {
    kind: 'PostgreSQL',
    async create() {
      const database = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 10 });
      // DELETE, not TRUNCATE: a few hundred rows go faster than TRUNCATE's new files for every table and index;
      // as a replica, the session fires no trigger (the analytics counts, foreign keys) while it empties them.
      await database.pool.query(`begin; set local session_replication_role = replica; ${tables.map((table) => `delete from ${table};`).join(' ')} commit;`);
      return database;
    },
    async dispose() {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

function replayCommand(seed: number): string {
  return `npm run simulate -- --seed ${seed} --histories 1${options.steps ? ` --steps ${options.steps}` : ''}${databaseUrl ? ` --database-url ${databaseUrl}` : ''} --verbose`;
}

let factory: DatabaseFactory | undefined;

async function runOne(seed: number): Promise<HistoryResult> {
  let service: Awaited<ReturnType<typeof startSimulationService>> | undefined;
  let result: HistoryResult;
  const started = performance.now();
  let ran = started;
  try {
    factory ??= databaseUrl ? await postgresFactory(databaseUrl) : await pgliteFactory();
    const database = await factory.create();
    service = await startSimulationService(database, serviceSettings(seed)).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
    ran = performance.now();
    result = await runHistory(service, seed, options.steps === undefined ? {} : { steps: options.steps });
    for (const violation of service.testSandbox?.violations() ?? []) result.violations.push(`sandbox response off Stripe's spec: ${JSON.stringify(violation).slice(0, 300)}`);
    // A 5xx is explained by what the service logged (replays are not timed alike, so the log is kept now).
    if (result.violations.some((v) => / answered 5\d\d/.test(v))) result.steps.push(...service.loggedErrors.map((line) => `logged: ${line.trim()}`));
  } catch (error) {
    result = { seed, steps: [], violations: [`could not run: ${error instanceof Error ? error.message : String(error)}`], counts: {} };
  }
  const finished = performance.now();
  await service?.close();
  result.milliseconds = { ...result.milliseconds, start: Math.round(ran - started), close: Math.round(performance.now() - finished) };
  return result;
}

/** The seeds this process runs, in order: all of them, or one worker's share. */
function seeds(): number[] {
  const all = Array.from({ length: options.histories }, (_, i) => options.seed + i);
  if (!options.shard) return all;
  const [index, of] = options.shard.split('/').map(Number) as [number, number];
  return all.filter((_, i) => i % of === index);
}

/** A worker: one JSON line per history on stdout, for the parent to print and add up. */
async function runShard(): Promise<number> {
  for (const seed of seeds()) {
    if (Date.now() > deadline) break;
    const result = await runOne(seed);
    const keepSteps = options.verbose || result.violations.length > 0;
    process.stdout.write(`${JSON.stringify({ ...result, steps: keepSteps ? result.steps : [] })}\n`);
  }
  await factory?.dispose();
  return 0;
}

/** Every history's result, as they finish: here one after the other, or from W worker processes. */
async function* results(): AsyncGenerator<HistoryResult> {
  if (options.workers === 1) {
    try {
      for (const seed of seeds()) {
        if (Date.now() > deadline) break;
        yield await runOne(seed);
      }
    } finally {
      await factory?.dispose();
    }
    return;
  }
  const args = process.argv.slice(2).filter((arg, i, all) => !['--workers', '--minutes'].some((name) => arg === name || all[i - 1] === name || arg.startsWith(`${name}=`)));
  const queue: HistoryResult[] = [];
  let wake: (() => void) | undefined;
  let running = options.workers;
  for (let i = 0; i < options.workers; i++) {
    const child = fork(process.argv[1]!, [...args, '--shard', `${i}/${options.workers}`, ...(Number.isFinite(deadline) ? ['--deadline', String(deadline)] : [])], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      queue.push(JSON.parse(line) as HistoryResult);
      wake?.();
    });
    child.once('exit', (code) => {
      if (code !== 0) queue.push({ seed: Number.NaN, steps: [], violations: [`worker ${i} exited with ${code}`], counts: {} });
      running--;
      wake?.();
    });
  }
  while (running > 0 || queue.length > 0) {
    if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    while (queue.length > 0) yield queue.shift()!;
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const failing: HistoryResult[] = [];
  const totals: Record<string, number> = {};
  const milliseconds: Record<string, number> = {};
  let violations = 0;
  let done = 0;
  const ran = new Set<number>();
  for await (const result of results()) {
    done++;
    const seed = result.seed;
    ran.add(seed);
    for (const [what, n] of Object.entries(result.counts)) totals[what] = (totals[what] ?? 0) + n;
    for (const [what, ms] of Object.entries(result.milliseconds ?? {})) milliseconds[what] = (milliseconds[what] ?? 0) + ms;
    violations += result.violations.length;
    if (options.verbose || result.violations.length > 0) {
      console.log(`\nseed ${seed}: ${result.violations.length} violation(s)`);
      if (options.verbose) for (const line of result.steps) console.log(`  ${line}`);
      if (options.verbose) console.log(`  counts ${JSON.stringify(result.counts)}`);
      for (const violation of result.violations) console.log(`  VIOLATION ${violation}`);
      if (!options.verbose) for (const line of result.steps.filter((l) => l.startsWith('logged: '))) console.log(`  ${line}`);
    }
    if (result.violations.length > 0) {
      failing.push(result);
      console.log(`  replay: ${replayCommand(seed)}`);
    } else if (!options.verbose) {
      process.stdout.write(done % 100 === 0 ? `. ${done}\n` : '.');
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const kind = databaseUrl ? 'PostgreSQL' : 'PGlite';
  const stoppedEarly = done < options.histories ? ` — stopped after ${options.minutes} min, ${done} of ${options.histories} run` : '';
  console.log(`\n\n${done} histories (seeds ${options.seed}–${options.seed + options.histories - 1}${stoppedEarly}) on ${kind}${options.workers > 1 ? ` in ${options.workers} workers` : ''}: ${violations} violations in ${failing.length} histories, ${seconds.toFixed(1)} s (${(seconds / Math.max(1, done)).toFixed(2)} s per history)`);
  console.log(`operations and faults: ${JSON.stringify(totals)}`);
  const spent = Object.entries(milliseconds).sort(([, a], [, b]) => b - a);
  console.log(`where the histories' time went (s, all workers): ${spent.map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)}`).join(', ')}`);
  for (const result of failing) console.log(`failing seed ${result.seed}: ${replayCommand(result.seed)}`);
  if (done < options.histories) {
    // Workers stop at the deadline each at its own seed: the run covers a whole prefix, and a few seeds past it.
    let next = options.seed;
    while (ran.has(next)) next++;
    const past = [...ran].filter((seed) => seed > next).sort((a, b) => a - b);
    const last = options.seed + options.histories - 1;
    const prefix = next === options.seed ? 'none in order' : `${options.seed}–${next - 1}`;
    console.log(`seeds run: ${prefix}${past.length > 0 ? ` and ${past.join(', ')}` : ''}; the rest: npm run simulate -- --seed ${next} --histories ${last - next + 1}${options.workers > 1 ? ` --workers ${options.workers}` : ''}${databaseUrl ? ` --database-url ${databaseUrl}` : ''}`);
  }
  return failing.length === 0 && (done === options.histories || Date.now() > deadline) ? 0 : 1;
}

process.exitCode = options.shard ? await runShard() : await main();
