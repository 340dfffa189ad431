/**
 * Ledger write benchmark: how many payment-like entries per second `post()` writes, against the
 * rate of the simplest durable transaction this machine can do (BEGIN; one-row INSERT; COMMIT)
 * on the same database with the same number of writers. See bench/README.md.
 *
 *   npx tsx bench/ledger-post.ts [--entries N] [--pglite-entries N] [--db pglite|postgres|both] [--writers 1,8] [--ledger-sql FILE]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/database.js';
import { balances, creatorAccount, formatLedgerVerification, platformAccount, post, verifyLedger, type LedgerAccount } from '../src/ledger/index.js';
import { runConcurrently, type RunMeasurement } from './run-concurrently.js';
import { formatWaits, watchServer, type ServerDiagnostics } from './server-diagnostics.js';
import { benchAdminUrl, createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const DEFAULT_ENTRIES = 100_000;
/**
 * PGlite is one Postgres session in WebAssembly running inside this process: every writer queues
 * on it and each ledger entry costs ~1 ms of this process's CPU, so 4 runs of 100,000 would take
 * 8–10 minutes on the 2-core dev machine by themselves (bench/README.md has the figures). Hence a
 * smaller default, printed in the header; `--pglite-entries` overrides it.
 */
const DEFAULT_PGLITE_ENTRIES = 20_000;
const CREATORS = 1_000;
const CURRENCY = 'eur';
const FEE_BPS = 1_000n; // 10 %, the default platform fee
const TARGET_RATIO = 0.5;

interface CliOptions {
  entries?: number;
  pgliteEntries?: number;
  db: 'pglite' | 'postgres' | 'both';
  writers: number[];
  ledgerSql?: string;
}

/** A run's client-side measurement and, on PostgreSQL, what the server did meanwhile. */
interface Measured extends RunMeasurement {
  server?: ServerDiagnostics | undefined;
}

interface PairResult {
  kind: BenchDatabaseKind;
  writers: number;
  raw: Measured;
  ledger: Measured;
}

interface DatabaseResult {
  kind: BenchDatabaseKind;
  entries: number;
  pairs: PairResult[];
  verified: boolean;
}

const abort = new AbortController();

function positiveInteger(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function writerList(value: string): number[] {
  const list = value.split(',').map((part) => positiveInteger(part.trim()));
  if (list.length === 0) throw new InvalidArgumentError('expected e.g. 1,8');
  return [...new Set(list)];
}

/** One payment arriving: cash in at Stripe, the creator's share held, the platform's fee earned. */
function paymentAmounts(index: number): { amount: bigint; fee: bigint; creatorShare: bigint } {
  const amount = BigInt(500 + ((index * 7919) % 99_500)); // 5.00 … 999.99 EUR
  const fee = (amount * FEE_BPS + 5_000n) / 10_000n; // round half up (amounts are positive)
  return { amount, fee, creatorShare: amount - fee };
}

const cash = platformAccount('stripe_balance', CURRENCY);
const fees = platformAccount('fees', CURRENCY);
const creators: LedgerAccount[] = Array.from({ length: CREATORS }, (_, i) => creatorAccount(`cr_bench_${i}`, 'held', CURRENCY));
const effectiveAt = new Date('2026-11-01T10:00:00Z');

/** Run with the server watched (PostgreSQL only: on PGlite a second session would queue behind the run). */
async function watched(database: Database, run: () => Promise<RunMeasurement>): Promise<Measured> {
  if (database.kind !== 'postgres') return run();
  const watch = await watchServer(database.connectionString);
  let measurement: RunMeasurement;
  try {
    measurement = await run();
  } catch (error) {
    await watch.stop(1).catch(() => undefined);
    throw error;
  }
  return { ...measurement, server: await watch.stop(measurement.count) };
}

async function runLedger(database: Database, runId: string, count: number, writers: number, expected: Map<string, bigint>): Promise<Measured> {
  return watched(database, () => runConcurrently({
    label: `${database.kind} ledger ×${writers}`,
    count,
    writers,
    progress: process.stderr,
    signal: abort.signal,
    work: async (index) => {
      const { amount, fee, creatorShare } = paymentAmounts(index);
      const creator = creators[index % CREATORS] as LedgerAccount;
      await database.db.transaction((tx) =>
        post(tx, {
          key: `bench:${runId}:payment:${index}:received`,
          kind: 'payment.received',
          effectiveAt,
          postings: [
            { account: cash, debit: amount },
            { account: creator, credit: creatorShare },
            { account: fees, credit: fee },
          ],
        }),
      );
      expected.set(cash.code, (expected.get(cash.code) ?? 0n) + amount);
      expected.set(fees.code, (expected.get(fees.code) ?? 0n) + fee);
      expected.set(creator.code, (expected.get(creator.code) ?? 0n) + creatorShare);
    },
  }));
}

/** The physical floor: one durable one-row transaction, through the same pool, checkout per transaction like drizzle's. */
async function runRaw(database: Database, count: number, writers: number, options: { warmUp?: boolean } = {}): Promise<Measured> {
  await database.pool.query('create table if not exists bench_raw_inserts (id bigserial primary key, amount bigint not null)');
  const run = () => runConcurrently({
    label: options.warmUp ? `${database.kind} warm-up` : `${database.kind} raw INSERT ×${writers}`,
    count,
    writers,
    progress: process.stderr,
    signal: abort.signal,
    work: async (index) => {
      const client = await database.pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into bench_raw_inserts (amount) values ($1)', [paymentAmounts(index).amount.toString()]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  });
  return options.warmUp ? run() : watched(database, run);
}

/** verifyLedger's invariants, plus: every expected balance is exactly there and nothing else moved. */
async function checkLedger(database: Database, expected: Map<string, bigint>, totalEntries: number): Promise<boolean> {
  const verification = await verifyLedger(database.db);
  console.log(formatLedgerVerification(verification).replace(/^/gm, '    '));

  const actual = await balances(database.db, [...expected.keys()]);
  const mismatches = [...expected].filter(([code, sum]) => actual.get(code) !== sum);
  const counted = await database.db.execute<{ entries: bigint; postings: bigint; accounts: bigint }>(
    sql`select (select count(*) from ledger_entries) as entries, (select count(*) from ledger_postings) as postings,
               (select count(*) from ledger_accounts) as accounts`,
  );
  const row = counted.rows[0];
  const countsOk = row !== undefined && Number(row.entries) === totalEntries && Number(row.postings) === totalEntries * 3 && Number(row.accounts) === expected.size;
  const balancesOk = mismatches.length === 0;
  console.log(
    `    ${balancesOk ? 'ok  ' : 'FAIL'} final balances equal the expected sums (${expected.size} accounts: ` +
      `stripe_balance ${expected.get(cash.code)}, fees ${expected.get(fees.code)}, ${CREATORS} creators' held)`,
  );
  for (const [code, sum] of mismatches.slice(0, 20)) console.log(`           ${code}: expected ${sum}, found ${actual.get(code)}`);
  console.log(
    `    ${countsOk ? 'ok  ' : 'FAIL'} ${row?.entries} entries, ${row?.postings} postings, ${row?.accounts} accounts ` +
      `(expected ${totalEntries}, ${totalEntries * 3}, ${expected.size})`,
  );
  return verification.ok && balancesOk && countsOk;
}

async function describeServer(database: Database): Promise<string> {
  const { rows } = await database.pool.query<{ version: string; sync: string; fsync: string }>(
    `select version() as version, current_setting('synchronous_commit') as sync, current_setting('fsync') as fsync`,
  );
  const row = rows[0];
  return row ? `${row.version.split(' on ')[0]}, fsync=${row.fsync}, synchronous_commit=${row.sync}` : 'unknown';
}

async function benchDatabase(kind: BenchDatabaseKind, entries: number, writerCounts: number[], ledgerSql: string | undefined): Promise<DatabaseResult> {
  const scratch = await createScratchDatabase(kind, Math.max(...writerCounts));
  const { database } = scratch;
  try {
    console.log(`\n== ${kind}: ${database.description} (${scratch.location})`);
    console.log(`   ${await describeServer(database)}; ${entries.toLocaleString('en-US')} transactions per run`);
    if (ledgerSql) {
      await database.pool.query(readFileSync(ledgerSql, 'utf8'));
      console.log(`   applied ${ledgerSql} to the scratch database (a variant of the ledger's SQL, for measurement)`);
    }
    // Connections, JIT and caches warm before anything is timed; these rows are not counted.
    await runRaw(database, Math.min(2_000, entries), Math.max(...writerCounts), { warmUp: true });
    const expected = new Map<string, bigint>();
    const pairs: PairResult[] = [];
    let totalEntries = 0;
    for (const writers of writerCounts) {
      const raw = await runRaw(database, entries, writers);
      printMeasurement(raw);
      const ledger = await runLedger(database, `w${writers}`, entries, writers, expected);
      totalEntries += entries;
      printMeasurement(ledger);
      console.log(`   ledger/raw ×${writers}: ${(ledger.perSecond / raw.perSecond).toFixed(2)}`);
      pairs.push({ kind, writers, raw, ledger });
    }
    console.log(`   verifying the ledger (${totalEntries.toLocaleString('en-US')} entries) …`);
    const verified = await checkLedger(database, expected, totalEntries);
    return { kind, entries, pairs, verified };
  } finally {
    await scratch.drop();
    console.log(`   removed ${scratch.location}`);
  }
}

function printMeasurement(m: Measured): void {
  const load = os.loadavg()[0]?.toFixed(1);
  console.log(
    `   ${m.label.padEnd(24)} ${m.count.toLocaleString('en-US')} in ${(m.elapsedMs / 1000).toFixed(1)} s: ` +
      `${Math.round(m.perSecond).toLocaleString('en-US')}/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, ` +
      `max ${m.maxMs.toFixed(1)} ms; client CPU ${Math.round(m.clientCpuUsPerOp)} µs/tx; load ${load}`,
  );
  if (m.server) {
    const cpu = m.server.serverCpuUsPerTx === undefined ? '' : `, server CPU ${Math.round(m.server.serverCpuUsPerTx)} µs/tx`;
    console.log(`   ${''.padEnd(24)} WAL ${Math.round(m.server.walBytesPerTx)} B/tx${cpu}; backends: ${formatWaits(m.server)}`);
  }
}

function printSummary(results: DatabaseResult[]): void {
  const header = ['database', 'writers', 'N', 'ledger/s', 'p50 ms', 'p99 ms', 'raw/s', 'p50 ms', 'p99 ms', 'ledger/raw'];
  const rows = results.flatMap((r) =>
    r.pairs.map((p) => [
      p.kind,
      String(p.writers),
      r.entries.toLocaleString('en-US'),
      Math.round(p.ledger.perSecond).toLocaleString('en-US'),
      p.ledger.p50Ms.toFixed(2),
      p.ledger.p99Ms.toFixed(2),
      Math.round(p.raw.perSecond).toLocaleString('en-US'),
      p.raw.p50Ms.toFixed(2),
      p.raw.p99Ms.toFixed(2),
      (p.ledger.perSecond / p.raw.perSecond).toFixed(2),
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log('\n== Summary (ledger: one 3-posting entry per transaction; raw: BEGIN; one-row INSERT; COMMIT)');
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));

  const target = results.find((r) => r.kind === 'postgres')?.pairs.find((p) => p.writers === 8);
  if (target) {
    const ratio = target.ledger.perSecond / target.raw.perSecond;
    console.log(
      `\nTarget (PostgreSQL, 8 writers: ledger ≥ ${TARGET_RATIO} × raw INSERT rate): ${ratio >= TARGET_RATIO ? 'MET' : 'MISSED'} ` +
        `(${Math.round(target.ledger.perSecond)} vs ${Math.round(target.raw.perSecond)}/s, ratio ${ratio.toFixed(2)})`,
    );
  }
  const watchedPairs = results.flatMap((r) => r.pairs).filter((p) => p.ledger.server && p.raw.server);
  if (watchedPairs.length > 0) {
    console.log('\nWhere the time goes on PostgreSQL, per transaction (ledger vs raw; "backends" = sampled pg_stat_activity of the ledger run):');
    for (const p of watchedPairs) {
      const [ledger, raw] = [p.ledger.server as ServerDiagnostics, p.raw.server as ServerDiagnostics];
      const cpu = ledger.serverCpuUsPerTx === undefined || raw.serverCpuUsPerTx === undefined ? '' : `server CPU ${Math.round(ledger.serverCpuUsPerTx)} vs ${Math.round(raw.serverCpuUsPerTx)} µs; `;
      console.log(
        `  ×${p.writers}: WAL ${Math.round(ledger.walBytesPerTx)} vs ${Math.round(raw.walBytesPerTx)} B; ${cpu}` +
          `client CPU ${Math.round(p.ledger.clientCpuUsPerOp)} vs ${Math.round(p.raw.clientCpuUsPerOp)} µs; backends: ${formatWaits(ledger, 4)}`,
      );
    }
  }
  for (const r of results) console.log(`Ledger invariants and expected balances on ${r.kind}: ${r.verified ? 'OK' : 'FAILED'}`);
}

async function main(): Promise<number> {
  const program = new Command('ledger-post')
    .description('Benchmark ledger post() against plain one-row INSERT transactions on PostgreSQL and embedded PGlite')
    .option('--entries <n>', `entries (and raw INSERTs) per run (default ${DEFAULT_ENTRIES.toLocaleString('en-US')}; on PGlite ${DEFAULT_PGLITE_ENTRIES.toLocaleString('en-US')} unless given)`, positiveInteger)
    .option('--pglite-entries <n>', 'entries per run on PGlite (default: --entries if given, else ' + DEFAULT_PGLITE_ENTRIES.toLocaleString('en-US') + ')', positiveInteger)
    .addOption(new Option('--db <which>', 'database(s) to run on').choices(['pglite', 'postgres', 'both']).default('both'))
    .option('--writers <list>', 'concurrent writers per run, comma-separated', writerList, [1, 8])
    .option('--ledger-sql <file>', 'SQL run on each scratch database after migrating (e.g. a variant of ledger_post, to measure it)')
    .showHelpAfterError();
  program.parse();
  const options = program.opts<CliOptions>();
  const postgresEntries = options.entries ?? DEFAULT_ENTRIES;
  const pgliteEntries = options.pgliteEntries ?? options.entries ?? DEFAULT_PGLITE_ENTRIES;
  const kinds: BenchDatabaseKind[] = options.db === 'both' ? ['postgres', 'pglite'] : [options.db];

  console.log(`Ledger post benchmark — ${new Date().toISOString()}`);
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(
    `Entries: payment.received, 3 postings (platform stripe_balance debit, creator held credit, platform fees credit), ` +
      `${CREATORS.toLocaleString('en-US')} creators, one entry per transaction; writers ${options.writers.join(', ')}`,
  );
  if (kinds.includes('postgres')) console.log(`PostgreSQL: scratch database on ${redact(benchAdminUrl())}, N = ${postgresEntries.toLocaleString('en-US')}`);
  if (kinds.includes('pglite')) {
    const note = options.pgliteEntries === undefined && options.entries === undefined ? ` (default reduced from ${DEFAULT_ENTRIES.toLocaleString('en-US')}: PGlite is a single WASM session, see bench/README.md)` : '';
    console.log(`PGlite: fresh temporary data directory, N = ${pgliteEntries.toLocaleString('en-US')}${note}`);
  }

  const started = performance.now();
  const results: DatabaseResult[] = [];
  for (const kind of kinds) {
    results.push(await benchDatabase(kind, kind === 'postgres' ? postgresEntries : pgliteEntries, options.writers, options.ledgerSql));
  }
  printSummary(results);
  console.log(`Total time ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  return results.every((r) => r.verified) ? 0 : 1;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: stopping the writers and removing the scratch database …\n');
  abort.abort();
  process.once('SIGINT', () => process.exit(130));
});

main().then(
  (code) => {
    process.exitCode = abort.signal.aborted ? 130 : code;
  },
  (error: unknown) => {
    if (abort.signal.aborted) {
      console.error(`\nBenchmark interrupted: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 130;
      return;
    }
    console.error(`\nBenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const cause = (error as { cause?: unknown }).cause;
    if (cause) console.error(`caused by: ${cause instanceof Error ? cause.message : String(cause)}`);
    process.exitCode = 1;
  },
);
