import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Command } from 'commander';
import pg from 'pg';
import { openDatabase, serveEmbedded, type Database } from '../src/db/database.js';
import { runMigrations } from '../src/db/migrate.js';
import { runHistory, type HistoryResult } from './run-history.js';
import { startSimulationService } from './simulation-service.js';

/**
 * `npm run simulate -- --seed N --histories K` (issue 15 §2, docs/simulation.md): K histories,
 * seeds N … N+K−1, each on a fresh service, database (a copy of one migrated template) and
 * sandbox. Prints each failing seed's violations and the command that replays it, then the
 * figures: histories, violations, time. Exit code 1 when any history broke an invariant.
 */
const program = new Command()
  .name('simulate')
  .description('Deterministic simulation of the money path: generated histories with faults, checked after each')
  .option('--seed <n>', 'first seed', (v) => Number.parseInt(v, 10), 1)
  .option('--histories <k>', 'how many histories (seeds seed … seed+k−1)', (v) => Number.parseInt(v, 10), 10)
  .option('--steps <n>', 'steps per history (default: 40–60, from the seed)', (v) => Number.parseInt(v, 10))
  .option('--database-url <url>', 'run on PostgreSQL (a scratch database per history on this server); default: PGlite, or DATABASE_URL when set')
  .option('--verbose', "print every history's steps and counts")
  .parse();

const options = program.opts<{ seed: number; histories: number; steps?: number; databaseUrl?: string; verbose?: boolean }>();
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
  const template = `payouts_sim_template_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin.query(`create database "${template}"`);
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const migrated = await openDatabase({ url: urlOf(template), dataDir: '' });
  await runMigrations(migrated);
  await migrated.close();
  return {
    kind: 'PostgreSQL',
    async create() {
      const name = `payouts_sim_${process.pid}_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database "${name}" template "${template}"`);
      const database = await openDatabase({ url: urlOf(name), dataDir: '', poolSize: 10 });
      return {
        ...database,
        close: async () => {
          await database.close();
          await admin.query(`drop database if exists "${name}" with (force)`);
        },
      };
    },
    async dispose() {
      await admin.query(`drop database if exists "${template}" with (force)`);
      await admin.end();
    },
  };
}

function replayCommand(seed: number): string {
  return `npm run simulate -- --seed ${seed} --histories 1${options.steps ? ` --steps ${options.steps}` : ''}${databaseUrl ? ` --database-url ${databaseUrl}` : ''} --verbose`;
}

const factory = databaseUrl ? await postgresFactory(databaseUrl) : await pgliteFactory();

async function runOne(seed: number): Promise<HistoryResult> {
  let service: Awaited<ReturnType<typeof startSimulationService>> | undefined;
  try {
    service = await startSimulationService(await factory.create());
    const result = await runHistory(service, seed, options.steps === undefined ? {} : { steps: options.steps });
    for (const violation of service.testSandbox?.violations() ?? []) result.violations.push(`sandbox response off Stripe's spec: ${JSON.stringify(violation).slice(0, 300)}`);
    return result;
  } catch (error) {
    return { seed, steps: [], violations: [`could not run: ${error instanceof Error ? error.message : String(error)}`], counts: {} };
  } finally {
    await service?.close();
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const failing: HistoryResult[] = [];
  const totals: Record<string, number> = {};
  let violations = 0;
  try {
    for (let seed = options.seed; seed < options.seed + options.histories; seed++) {
      const result = await runOne(seed);
      for (const [what, n] of Object.entries(result.counts)) totals[what] = (totals[what] ?? 0) + n;
      violations += result.violations.length;
      if (options.verbose || result.violations.length > 0) {
        console.log(`\nseed ${seed}: ${result.violations.length} violation(s)`);
        if (options.verbose) for (const line of result.steps) console.log(`  ${line}`);
        if (options.verbose) console.log(`  counts ${JSON.stringify(result.counts)}`);
        for (const violation of result.violations) console.log(`  VIOLATION ${violation}`);
      }
      if (result.violations.length > 0) {
        failing.push(result);
        console.log(`  replay: ${replayCommand(seed)}`);
      } else if (!options.verbose) {
        process.stdout.write('.');
      }
    }
  } finally {
    await factory.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n\n${options.histories} histories (seeds ${options.seed}–${options.seed + options.histories - 1}) on ${factory.kind}: ${violations} violations in ${failing.length} histories, ${seconds.toFixed(1)} s (${(seconds / options.histories).toFixed(2)} s per history)`);
  console.log(`operations and faults: ${JSON.stringify(totals)}`);
  for (const result of failing) console.log(`failing seed ${result.seed}: ${replayCommand(result.seed)}`);
  return failing.length === 0 ? 0 : 1;
}

process.exitCode = await main();
