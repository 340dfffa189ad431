/**
 * The dashboards at scale (issue 12 §8): the real service on PostgreSQL with a creator who has
 * 10,000 payments and an admin queue of 5,000 payouts, driven by Debian's Chromium.
 *
 *   npx tsx bench/web-dashboards.ts [--payments 10000] [--payouts 5000] [--runs 5]
 *
 * Prints: the initial JavaScript of the built app (gzip), then for each page the time from
 * navigation to its table rendered (first visit, then the median and worst of --runs visits).
 * Targets: initial JS ≤ 200 KB gzip; navigation → table ≤ 1 s.
 *
 * Data is loaded set-based (not timed): payments HELD / READY / PAID in thirds with the ledger
 * entries that make the balances true; each queued payout belongs to its own creator (one open
 * request per creator) and is reserved in the ledger like a real request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../src/cli/serve.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/http/logger.js';
import { creatorAccount, platformAccount, postBatch, type LedgerEntryInput } from '../src/ledger/index.js';
import { hashPassword } from '../src/services/auth/password-hash.js';
import { createScratchDatabase } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '10000' },
    payouts: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
  },
});
const paymentCount = Number(values.payments);
const payoutCount = Number(values.payouts);
const runs = Number(values.runs);
const PASSWORD = 'bench-password-123';
const distDir = join(import.meta.dirname, '..', 'dist', 'web');

function initialJavaScriptGzip(): { files: string[]; bytes: number } {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(distDir, file))).length, 0);
  return { files, bytes };
}

async function load(db: Awaited<ReturnType<typeof createScratchDatabase>>['database']['db']): Promise<void> {
  const at = new Date(Date.now() - 40 * 86_400_000);
  const iso = at.toISOString();
  const passwordHash = await hashPassword(PASSWORD);
  await db.execute(sql`insert into users (id, email, name, role, password_hash, created_at) values
    ('usr_bench_admin', 'admin@bench.test', 'Bench Admin', 'ADMIN', ${passwordHash}, ${iso}::timestamptz),
    ('usr_bench_creator', 'creator@bench.test', 'Bench Creator', 'CREATOR', ${passwordHash}, ${iso}::timestamptz)`);
  await db.execute(sql`insert into creators (id, user_id, currency, stripe_account_id, charges_enabled, payouts_enabled, details_submitted, created_at)
    values ('cr_bench', 'usr_bench_creator', 'eur', 'acct_bench', true, true, true, ${iso}::timestamptz)`);
  // Thirds: HELD (released over the coming days), READY, PAID.
  await db.execute(sql`
    insert into payments (id, creator_id, external_id, amount, currency, fee_amount, creator_amount, status, paid_at, payout_release_date, created_at, updated_at)
    select 'pay_bench_' || i, 'cr_bench', 'pi_bench_' || i, 1000 + i % 5000, 'eur', (1000 + i % 5000) / 10, (1000 + i % 5000) - (1000 + i % 5000) / 10,
           case i % 3 when 0 then 'HELD' when 1 then 'READY' else 'PAID' end,
           now() - (${paymentCount} - i) * interval '1 minute',
           case i % 3 when 0 then now() + (i % 7 + 1) * interval '1 day' else now() - interval '1 day' end,
           now(), now()
    from generate_series(1, ${paymentCount}) as i`);
  const sums = await db.execute<{ status: string; creator: string; fee: string }>(
    sql`select status, sum(creator_amount)::text as creator, sum(fee_amount)::text as fee from payments where creator_id = 'cr_bench' group by status`,
  );
  const entries: LedgerEntryInput[] = sums.rows
    .filter((row) => row.status !== 'PAID')
    .map((row) => ({
      key: `bench-web:${row.status}`,
      kind: 'payment.received',
      effectiveAt: at,
      postings: [
        { account: platformAccount('stripe_balance', 'eur'), debit: BigInt(row.creator) + BigInt(row.fee) },
        { account: creatorAccount('cr_bench', row.status === 'HELD' ? 'held' : 'available', 'eur'), credit: BigInt(row.creator) },
        { account: platformAccount('fees', 'eur'), credit: BigInt(row.fee) },
      ],
    }));
  // The queue: one creator per payout, funded then reserved.
  await db.execute(sql`
    insert into users (id, email, name, role, created_at)
    select 'usr_bq_' || i, 'queue' || i || '@bench.test', 'Queue Creator ' || lpad(i::text, 5, '0'), 'CREATOR', ${iso}::timestamptz from generate_series(1, ${payoutCount}) as i`);
  await db.execute(sql`
    insert into creators (id, user_id, currency, stripe_account_id, payouts_enabled, details_submitted, charges_enabled, created_at)
    select 'cr_bq_' || i, 'usr_bq_' || i, 'eur', 'acct_bq_' || i, true, true, true, ${iso}::timestamptz from generate_series(1, ${payoutCount}) as i`);
  await db.execute(sql`
    insert into payouts (id, creator_id, amount, currency, status, origin, stripe_account_id, flags, requested_by, requested_at, updated_at)
    select 'po_bq_' || i, 'cr_bq_' || i, 5000 + i, 'eur', case when i % 10 = 0 then 'PENDING_APPROVAL' else 'PENDING' end, 'request', 'acct_bq_' || i,
           '[]'::jsonb, 'user:usr_bq_' || i, now() - (${payoutCount} - i) * interval '1 minute', now()
    from generate_series(1, ${payoutCount}) as i`);
  for (let i = 1; i <= payoutCount; i++) {
    const creatorId = `cr_bq_${i}`;
    const amount = BigInt(5000 + i);
    entries.push(
      {
        key: `bench-web:fund:${i}`,
        kind: 'payment.received',
        effectiveAt: at,
        postings: [
          { account: platformAccount('stripe_balance', 'eur'), debit: amount * 2n },
          { account: creatorAccount(creatorId, 'available', 'eur'), credit: amount * 2n },
        ],
      },
      {
        key: `bench-web:reserve:${i}`,
        kind: 'payout.reserved',
        effectiveAt: at,
        metadata: { payoutId: `po_bq_${i}` },
        postings: [
          { account: creatorAccount(creatorId, 'available', 'eur'), debit: amount },
          { account: creatorAccount(creatorId, 'reserved', 'eur'), credit: amount },
        ],
      },
    );
  }
  for (let i = 0; i < entries.length; i += 2000) await db.transaction((tx) => postBatch(tx, entries.slice(i, i + 2000)));
}

async function timeTable(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('main table tbody tr').first().waitFor({ state: 'visible', timeout: 30_000 });
  return performance.now() - started;
}

async function logIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard\//);
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

const js = initialJavaScriptGzip();
console.log(`initial JavaScript: ${(js.bytes / 1024).toFixed(1)} KB gzip (${js.files.join(', ')}) — target ≤ 200 KB`);

const scratch = await createScratchDatabase('postgres', 4);
const loadStart = performance.now();
await load(scratch.database.db);
console.log(`loaded ${paymentCount.toLocaleString('en')} payments and ${payoutCount.toLocaleString('en')} queued payouts in ${((performance.now() - loadStart) / 1000).toFixed(1)} s (${scratch.location})`);
const url = new URL(process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
url.pathname = `/${scratch.location.split(' ')[1]}`;
await scratch.database.close();

const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: url.toString(), DEMO: '0', STRIPE_SANDBOX_PORT: '0', RATE_LIMIT_STORE: 'memory' });
const server = await startServer(config, { logger: createLogger({ level: 'warn' }), handleSignals: false });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const [who, email, path, apiPath] of [
    ['creator, 10,000 payments', 'creator@bench.test', '/dashboard/creator/payouts', '/api/payouts/request'],
    ['admin, 5,000 queued payouts', 'admin@bench.test', '/dashboard/admin/payouts', '/api/admin/payouts?limit=25'],
    ['admin, approval queue', 'admin@bench.test', '/dashboard/admin/approvals', '/api/admin/payouts?status=PENDING_APPROVAL&limit=25'],
  ] as const) {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await logIn(page, server.url, email);
    const times: number[] = [];
    for (let run = 0; run < runs + 1; run++) times.push(await timeTable(page, `${server.url}${path}`));
    const apiTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const reply = await page.request.get(`${server.url}${apiPath}`);
      if (!reply.ok()) throw new Error(`${apiPath}: ${reply.status()}`);
      apiTimes.push(performance.now() - started);
    }
    const [first, ...rest] = times;
    console.log(`${who.padEnd(30)} ${path.padEnd(30)} first ${first!.toFixed(0)} ms, median ${median(rest).toFixed(0)} ms, worst ${Math.max(...rest).toFixed(0)} ms (target ≤ 1000 ms); ${apiPath.split('?')[0]} median ${median(apiTimes).toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  await scratch.drop();
}
