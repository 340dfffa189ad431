/**
 * `GET /api/admin/analytics` at scale (issue 14 §6): a scratch database with N payments spread
 * over the last year, then the admin analytics for each period (7, 30, 90, 365 days) through
 * the real app (`buildApp` + `app.inject`, an admin API key: authentication, the route, the
 * queries, the serialisation), timed R times each. Target: p50 ≤ 100 ms with 1,000,000 payments
 * on PostgreSQL.
 *
 *   npx tsx bench/analytics.ts [--payments 1000000] [--creators 5000] [--runs 50] [--db postgres|pglite|both]
 *
 * Loaded set-based first, with the analytics triggers on (the load time is printed: what the
 * triggers cost a bulk insert): creators of skewed popularity (the first ones take most
 * payments), amounts of 5.00–205.00, statuses by age (HELD for a week, then READY, PAID after a
 * month; ~2 % refunded in full, ~0.5 % in half, ~0.2 % disputed), one PAID payout per creator and
 * month, an open payout for one creator in twenty, and a ledger entry per creator that gives
 * the held / available / reserved balances the page sums. Then `payouts verify`'s analytics
 * checks (a full recount) are timed, and must pass.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/http/logger.js';
import { creatorAccount, platformAccount, postBatch, type LedgerEntryInput, type LedgerPostingInput } from '../src/ledger/index.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { verifyAnalytics } from '../src/services/analytics/verify-analytics.js';
import { createApiKey } from '../src/services/api-keys/create-api-key.js';
import { createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '1000000' },
    'pglite-payments': { type: 'string', default: '100000' },
    creators: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '50' },
    db: { type: 'string', default: 'postgres' },
  },
});
const creators = Number(values.creators);
const runs = Number(values.runs);
const kinds: BenchDatabaseKind[] = values.db === 'both' ? ['postgres', 'pglite'] : [values.db as BenchDatabaseKind];
const periods = [7, 30, 90, 365] as const;
/** Payments are inserted this many days at a time (one statement, one trigger call each). */
const DAYS_PER_STATEMENT = 10;

type Db = Awaited<ReturnType<typeof createScratchDatabase>>['database']['db'];

async function load(db: Db, payments: number, now: Date): Promise<void> {
  const iso = now.toISOString();
  await db.execute(sql`
    insert into users (id, email, name, role, created_at)
    select 'usr_a' || i, 'analytics' || i || '@example.test', 'Analytics creator ' || i, 'CREATOR', ${iso}::timestamptz - interval '400 days'
    from generate_series(1, ${creators}) as i`);
  await db.execute(sql`
    insert into creators (id, user_id, currency, created_at)
    select 'cr_a' || i, 'usr_a' || i, 'eur', ${iso}::timestamptz - interval '400 days' from generate_series(1, ${creators}) as i`);
  // Payment i is paid i/N of a year ago; its creator 1 + floor(C × r²) (r uniform) puts most
  // payments on the first creators; its amount and fate come from hashes of i.
  const perStatement = Math.ceil((payments * DAYS_PER_STATEMENT) / 365);
  for (let first = 1; first <= payments; first += perStatement) {
    const last = Math.min(payments, first + perStatement - 1);
    await db.execute(sql`
      with p as (
        select i, ${iso}::timestamptz - (i::float8 / ${payments}) * interval '365 days' as paid_at,
               1 + floor(${creators} * power(((hashint4(i) & 65535)::float8 / 65536), 2))::int as creator,
               500 + (hashint4(i * 7) & 32767) % 20001 as amount,
               (hashint4(i * 13) & 65535)::float8 / 65536 as fate
        from generate_series(${first}::int, ${last}::int) as i
      ), priced as (
        select p.*, div(amount * 1000 + 5000, 10000)::bigint as fee,
               case when paid_at > ${iso}::timestamptz - interval '7 days' then 'HELD'
                    when fate < 0.02 then 'CANCELLED'
                    when fate < 0.022 then 'DISPUTED'
                    when paid_at > ${iso}::timestamptz - interval '30 days' then 'READY'
                    else 'PAID' end as status,
               case when fate < 0.02 and paid_at <= ${iso}::timestamptz - interval '7 days' then amount
                    when fate >= 0.022 and fate < 0.027 then amount / 2
                    else 0 end as refunded
        from p
      )
      insert into payments (id, creator_id, external_id, amount, currency, fee_amount, creator_amount, refunded_amount, status,
                            paid_at, payout_release_date, released_at, created_at, updated_at)
      select 'pay_a' || i, 'cr_a' || creator, 'pi_a' || i, amount, 'eur', fee, amount - fee, refunded, status,
             paid_at, paid_at + interval '7 days', case when status <> 'HELD' then paid_at + interval '7 days' end, paid_at, paid_at
      from priced`);
  }
  // One PAID payout per creator and month: the shares of that month's PAID payments, paid on the
  // month's last day (or today); and an open one for every twentieth creator.
  await db.execute(sql`
    insert into payouts (id, creator_id, amount, currency, status, origin, requested_by, requested_at, completed_at, transferred_at, updated_at)
    select 'po_a_' || creator_id || '_' || to_char(month, 'YYYYMM'), creator_id, sum(creator_amount - refunded_amount), 'eur', 'PAID', 'scheduled', 'system:bench',
           least(month + interval '1 month' - interval '1 hour', ${iso}::timestamptz), least(month + interval '1 month' - interval '1 hour', ${iso}::timestamptz),
           least(month + interval '1 month' - interval '1 hour', ${iso}::timestamptz), least(month + interval '1 month' - interval '1 hour', ${iso}::timestamptz)
    from (select creator_id, creator_amount, refunded_amount, date_trunc('month', paid_at) as month from payments where status = 'PAID') paid
    group by creator_id, month having sum(creator_amount - refunded_amount) > 0`);
  await db.execute(sql`
    insert into payouts (id, creator_id, amount, currency, status, origin, requested_by, requested_at, updated_at)
    select 'po_a_open_' || c.id, c.id, 1000 + (hashint4(i) & 4095), 'eur', 'PENDING', 'request', 'system:bench', ${iso}::timestamptz, ${iso}::timestamptz
    from generate_series(1, ${creators}, 20) as i join creators c on c.id = 'cr_a' || i`);
  // The creators' balances the page sums: held (HELD shares), available (READY shares less what is
  // reserved) and reserved (open payouts), moved in from the platform's cash.
  const { rows } = await db.execute<{ creator_id: string; held: string; ready: string; reserved: string }>(sql`
    select c.id as creator_id,
           coalesce((select sum(creator_amount) from payments p where p.creator_id = c.id and p.status = 'HELD'), 0)::text as held,
           coalesce((select sum(creator_amount) from payments p where p.creator_id = c.id and p.status = 'READY'), 0)::text as ready,
           coalesce((select sum(amount) from payouts o where o.creator_id = c.id and o.status = 'PENDING'), 0)::text as reserved
    from creators c`);
  const entries: LedgerEntryInput[] = rows.flatMap((row) => {
    const held = BigInt(row.held);
    const reserved = BigInt(row.reserved);
    const available = BigInt(row.ready) > reserved ? BigInt(row.ready) - reserved : 0n;
    const credits: LedgerPostingInput[] = [
      ...(held > 0n ? [{ account: creatorAccount(row.creator_id, 'held', 'eur'), credit: held }] : []),
      ...(available > 0n ? [{ account: creatorAccount(row.creator_id, 'available', 'eur'), credit: available }] : []),
      ...(reserved > 0n ? [{ account: creatorAccount(row.creator_id, 'reserved', 'eur'), credit: reserved }] : []),
    ];
    if (credits.length === 0) return [];
    return [{ key: `bench-analytics:${row.creator_id}`, kind: 'payment.received', effectiveAt: now, postings: [{ account: platformAccount('stripe_balance', 'eur'), debit: held + available + reserved }, ...credits] }];
  });
  for (let i = 0; i < entries.length; i += 2000) await db.transaction((tx) => postBatch(tx, entries.slice(i, i + 2000)));
  await db.execute(sql`analyze`);
}

interface Timing {
  period: number;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
}

/** Nearest-rank percentile of an ascending array. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function run(kind: BenchDatabaseKind) {
  const payments = Number(kind === 'pglite' && values.db === 'both' ? values['pglite-payments'] : values.payments);
  const scratch = await createScratchDatabase(kind, 4);
  const { database } = scratch;
  try {
    const clock = new AdjustableClock();
    process.stdout.write(`${kind}: loading ${payments.toLocaleString('en')} payments over a year, ${creators.toLocaleString('en')} creators (${scratch.location}) … `);
    const loadStart = performance.now();
    await load(database.db, payments, clock.now());
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const counts = await database.db.execute<{ payments: string; payouts: string; daily: string; creator_daily: string }>(sql`
      select (select count(*) from payments)::text as payments, (select count(*) from payouts)::text as payouts,
             (select count(*) from daily_totals)::text as daily, (select count(*) from creator_daily_totals)::text as creator_daily`);
    const c = counts.rows[0]!;
    console.log(`${loadSeconds.toFixed(1)} s`);
    console.log(`${kind}: ${Number(c.payments).toLocaleString('en')} payments, ${Number(c.payouts).toLocaleString('en')} payouts; aggregates: ${Number(c.daily).toLocaleString('en')} daily rows, ${Number(c.creator_daily).toLocaleString('en')} creator-day rows`);

    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEFAULT_CURRENCY: 'eur' });
    const app = await buildApp({ config, database, clock, logger: createLogger({ level: 'silent' }) });
    const { key } = await database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'bench admin', actor: 'bench' }, { clock }));
    const headers = { authorization: `Bearer ${key}` };
    const timings: Timing[] = [];
    try {
      for (const period of periods) {
        const url = `/api/admin/analytics?period=${period}`;
        let bytes = 0;
        for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url, headers }); // warm-up
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
          const start = performance.now();
          const reply = await app.inject({ method: 'GET', url, headers });
          samples.push(performance.now() - start);
          if (reply.statusCode !== 200) throw new Error(`${url}: ${reply.statusCode} ${reply.body.slice(0, 300)}`);
          bytes = reply.body.length;
          if (i === 0) {
            const body = reply.json<{ revenue: { period: number }; daily: unknown[]; topCreators: unknown[] }>();
            if (body.daily.length !== period || body.topCreators.length === 0 || body.revenue.period <= 0) throw new Error(`${url}: implausible reply`);
          }
        }
        samples.sort((a, b) => a - b);
        timings.push({ period, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples.at(-1)!, bytes });
        const t = timings.at(-1)!;
        console.log(`${kind}: period ${period}: p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms, max ${t.max.toFixed(1)} ms (${runs} requests, ${(bytes / 1024).toFixed(1)} KB)`);
      }
    } finally {
      await app.close();
    }

    const verifyStart = performance.now();
    const verification = await verifyAnalytics(database.db);
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    console.log(`${kind}: analytics checks of \`payouts verify\` (a full recount): ${verification.ok ? 'ok' : 'FAILED'} in ${verifySeconds.toFixed(1)} s`);
    if (!verification.ok) console.log(verification.checks.flatMap((check) => check.failures).join('\n'));
    return { kind, payments, loadSeconds, timings, verifySeconds, verified: verification.ok };
  } finally {
    await scratch.drop();
  }
}

const results = [];
for (const kind of kinds) results.push(await run(kind));
console.log(`\n| database | payments | period (days) | p50 ms | p99 ms | max ms | reply KB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of results) {
  for (const t of r.timings) {
    console.log(`| ${r.kind} | ${r.payments.toLocaleString('en')} | ${t.period} | ${t.p50.toFixed(1)} | ${t.p99.toFixed(1)} | ${t.max.toFixed(1)} | ${(t.bytes / 1024).toFixed(1)} |`);
  }
}
if (results.some((r) => !r.verified)) process.exit(1);
