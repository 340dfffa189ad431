/**
 * Reconciliation with Stripe at scale (issue 14 §4): a scratch database with T PAID payouts and C
 * payments, and a sandbox holding their Stripe side — T transfers (with their balance
 * transactions) and C charges (with theirs): 2T + C Stripe objects listed (100,000 by default).
 * A few differences are planted (a transfer made by hand, an amount changed, a transfer lost).
 * Then one `reconcileWithStripe` run over the period, through the real Stripe SDK and request
 * policy against the sandbox over HTTP, timed: seconds, Stripe requests, requests per second,
 * and that rate as a share of the policy's whole budget.
 *
 *   npx tsx bench/reconcile.ts [--transfers 30000] [--charges 40000] [--creators 1000] [--budget live|test|unlimited] [--db postgres|pglite]
 *
 * `--budget live` (default) is the production policy: 80 requests/s in all, reconciliation's
 * reads capped at 40/s; `test` is Stripe's test mode (20/s, reads 10/s); `unlimited` measures the
 * service and the sandbox alone. Stripe objects are put straight into the sandbox's store (what
 * matters is reading them back, not making them).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/config.js';
import { SANDBOX_SECRET_KEY } from '../src/http/app.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { StripeGateway } from '../src/providers/stripe/index.js';
import { liveDefaults, testModeDefaults, type RequestPolicyOptions } from '../src/providers/stripe/request-policy.js';
import { createSandboxClock, startSandbox } from '../src/sandbox/index.js';
import { reconcileWithStripe, type ReconcileProgress } from '../src/services/reconciliation/reconcile-with-stripe.js';
import { createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    transfers: { type: 'string', default: '30000' },
    charges: { type: 'string', default: '40000' },
    creators: { type: 'string', default: '1000' },
    budget: { type: 'string', default: 'live' },
    db: { type: 'string', default: 'postgres' },
    'in-process': { type: 'boolean', default: false },
    'serve-sandbox': { type: 'boolean', default: false },
    now: { type: 'string' },
  },
});
const transfers = Number(values.transfers);
const charges = Number(values.charges);
const creators = Number(values.creators);
const budgets: Record<string, Partial<RequestPolicyOptions>> = {
  live: liveDefaults,
  test: testModeDefaults,
  unlimited: { requestsPerSecond: 100_000, perOperation: {} },
};
const budget = budgets[values.budget];
if (!budget) throw new Error(`--budget must be one of ${Object.keys(budgets).join(', ')}`);

if (values['serve-sandbox']) {
  const sandbox = await seededSandbox(new Date(values.now!));
  process.stdout.write(`READY ${sandbox.url}\n`);
  process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
} else {
const clock = new AdjustableClock();
const now = clock.now();
const periodStart = new Date(now.getTime() - 86_400_000);
const scratch = await createScratchDatabase(values.db as BenchDatabaseKind, 10);
const stripeSide = await startStripeSide(now);

try {
  const db = scratch.database.db;
  const loadStarted = performance.now();
  const iso = now.toISOString();
  await db.execute(sql`
    insert into users (id, email, name, role, created_at)
    select 'usr_r' || i, 'reconcile' || i || '@example.test', 'Reconcile creator ' || i, 'CREATOR', ${iso}::timestamptz - interval '30 days'
    from generate_series(1, ${creators}) as i`);
  await db.execute(sql`
    insert into creators (id, user_id, currency, stripe_account_id, payouts_enabled, created_at)
    select 'cr_r' || i, 'usr_r' || i, 'eur', 'acct_r' || i, true, ${iso}::timestamptz - interval '30 days' from generate_series(1, ${creators}) as i`);
  // Payout i: 10.00–109.99 EUR to creator 1 + i mod C, transferred i/T of the last day ago.
  await db.execute(sql`
    insert into payouts (id, creator_id, amount, currency, status, origin, stripe_account_id, stripe_transfer_id, requested_by, requested_at, processing_started_at, transferred_at, completed_at, updated_at)
    select 'po_r' || i, 'cr_r' || (1 + i % ${creators}), 1000 + (i * 7919) % 10000, 'eur', 'PAID', 'request', 'acct_r' || (1 + i % ${creators}), 'tr_r' || i, 'bench',
           t, t, t, t, t
    from generate_series(1, ${transfers}) as i, lateral (select ${iso}::timestamptz - (i::float8 / ${transfers} * 0.98 + 0.01) * interval '1 day' as t) as at`);
  await db.execute(sql`
    insert into payments (id, creator_id, external_id, stripe_payment_intent_id, stripe_charge_id, amount, currency, fee_amount, creator_amount, status, paid_at, payout_release_date, created_at, updated_at)
    select 'pay_r' || i, 'cr_r' || (1 + i % ${creators}), 'pi_r' || i, 'pi_r' || i, 'ch_r' || i, 2000 + (i::bigint * 104729) % 20000, 'eur', 0, 2000 + (i::bigint * 104729) % 20000, 'HELD', t, t + interval '7 days', t, t
    from generate_series(1, ${charges}) as i, lateral (select ${iso}::timestamptz - (i::float8 / ${charges} * 0.98 + 0.01) * interval '1 day' as t) as at`);

  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CRON_SECRET: 'bench-cron-secret-0123456789' });
  const stripe = new StripeGateway({ secretKey: SANDBOX_SECRET_KEY, apiBase: stripeSide.url, webhookSecrets: [], policy: budget });
  // Time spent waiting for Stripe's answers (the sandbox's work, HTTP, the SDK, the budget's pacing), summed over calls.
  let stripeMs = 0;
  for (const method of ['listTransfers', 'listTransferReversals', 'findTransfer', 'listConnectedPayouts', 'findConnectedPayout', 'listBalanceTransactions', 'findCharge'] as const) {
    const real = (stripe[method] as (input: never) => Promise<unknown>).bind(stripe);
    Object.assign(stripe, {
      [method]: async (input: never) => {
        const began = performance.now();
        try {
          return await real(input);
        } finally {
          stripeMs += performance.now() - began;
        }
      },
    });
  }
  const total = budget.requestsPerSecond ?? 0;
  const cap = budget.perOperation?.['reconcile.read'] ?? total;
  console.log(`loaded ${transfers} payouts + transfers, ${charges} payments + charges (${2 * transfers + charges} Stripe objects to list) on ${scratch.database.kind} in ${loadSeconds.toFixed(1)} s`);
  console.log(`budget ${values.budget}: ${total} requests/s in all, reconciliation's reads capped at ${cap}/s`);

  let lastPhase = '';
  const started = performance.now();
  const run = await reconcileWithStripe(db, { config, clock, stripe }, {
    actor: 'bench',
    since: periodStart,
    until: new Date(now.getTime() + 1000),
    onProgress(progress: ReconcileProgress) {
      if (progress.phase !== lastPhase) console.log(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${progress.phase} (${progress.stripeObjects} objects, ${progress.stripeRequests} requests so far)`);
      lastPhase = progress.phase;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const rate = run.stripeRequests / seconds;
  console.log(`run ${run.id}: ${run.stripeObjects} Stripe objects, ${run.stripeRequests} requests in ${seconds.toFixed(1)} s`);
  console.log(`  ${(run.stripeObjects / seconds).toFixed(0)} objects/s, ${rate.toFixed(1)} requests/s = ${((rate / total) * 100).toFixed(0)} % of the ${total}/s budget (${((rate / cap) * 100).toFixed(0)} % of reconciliation's ${cap}/s)`);
  console.log(`  waiting for Stripe: ${(stripeMs / 1000).toFixed(1)} s summed over requests (${(stripeMs / run.stripeRequests).toFixed(0)} ms each; the next page is fetched while one is handled)`);
  console.log(`  counts ${JSON.stringify(run.counts)}`);
  const expected = { mismatched: 1, missing_here: 1, missing_at_stripe: 1 };
  for (const [name, count] of Object.entries(expected)) {
    if (run.counts[name as keyof typeof expected] !== count) throw new Error(`expected ${count} ${name}, found ${run.counts[name as keyof typeof expected]}`);
  }
  if (run.counts.matched !== transfers + charges - 2) throw new Error(`expected ${transfers + charges - 2} matched, found ${run.counts.matched}`);
  console.log('  the three planted differences were found, everything else matched');
} finally {
  await stripeSide.close();
  await scratch.drop();
}
}

function balanceTransaction(id: string, amount: number, type: string, source: string, created: number) {
  return {
    id, object: 'balance_transaction', amount, available_on: created, created, currency: 'eur', description: null, exchange_rate: null, fee: 0, fee_details: [],
    net: amount, reporting_category: type, source, status: 'available', type,
  };
}

/**
 * The Stripe side: a sandbox holding the transfers and charges (with their balance transactions)
 * of the payouts and payments loaded, oldest first, and the planted differences. In a process of
 * its own by default (as Stripe is another machine); `--in-process` keeps it in this one.
 */
async function startStripeSide(now: Date): Promise<{ url: string; close: () => Promise<void> }> {
  if (!values['in-process']) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-sandbox', '--now', now.toISOString(), '--transfers', String(transfers), '--charges', String(charges), '--creators', String(creators)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const match = /^READY (\S+)$/m.exec(buffered);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before it was ready`)));
    });
    return { url, close: async () => void child.kill('SIGTERM') };
  }
  const sandbox = await seededSandbox(now);
  return { url: sandbox.url, close: () => sandbox.close() };
}

async function seededSandbox(now: Date) {
  const sandbox = await startSandbox({ port: 0, clock: createSandboxClock({ startAt: now }) });
  // The Stripe side, oldest first (the sandbox lists newest first by insertion).
  const platform = sandbox.platformAccountId;
  const created = (i: number, n: number) => Math.floor((now.getTime() - (i / n) * 0.98 * 86_400_000 - 0.01 * 86_400_000) / 1000);
  type Item = { at: number; insert: () => void };
  const items: Item[] = [];
  for (let i = 1; i <= transfers; i++) {
    const at = created(i, transfers);
    const amount = 1000 + ((i * 7919) % 10000);
    items.push({
      at,
      insert: () => {
        sandbox.state.insert(platform, {
          id: `tr_r${i}`, object: 'transfer', amount, amount_reversed: 0, balance_transaction: `txn_tr_r${i}`, created: at, currency: 'eur', description: null,
          destination: `acct_r${1 + (i % creators)}`, destination_payment: `py_r${i}`, livemode: false, metadata: { payoutId: `po_r${i}` },
          reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/tr_r${i}/reversals` }, reversed: false, source_transaction: null, source_type: 'card', transfer_group: `payout_po_r${i}`,
        });
        sandbox.state.insert(platform, balanceTransaction(`txn_tr_r${i}`, -amount, 'transfer', `tr_r${i}`, at));
      },
    });
  }
  for (let i = 1; i <= charges; i++) {
    const at = created(i, charges);
    const amount = 2000 + ((i * 104729) % 20000);
    items.push({
      at,
      insert: () => {
        sandbox.state.insert(platform, {
          id: `ch_r${i}`, object: 'charge', amount, amount_captured: amount, amount_refunded: 0, balance_transaction: `txn_ch_r${i}`, captured: true, created: at, currency: 'eur',
          livemode: false, metadata: {}, paid: true, payment_intent: `pi_r${i}`, refunded: false, status: 'succeeded',
        });
        sandbox.state.insert(platform, balanceTransaction(`txn_ch_r${i}`, amount, 'charge', `ch_r${i}`, at));
      },
    });
  }
  items.sort((a, b) => b.at - a.at);
  for (const item of items) item.insert();
  // Planted differences: a transfer by hand, an amount changed, a transfer lost.
  const last = created(0, transfers);
  sandbox.state.insert(platform, {
    id: 'tr_by_hand', object: 'transfer', amount: 4200, amount_reversed: 0, balance_transaction: 'txn_by_hand', created: last, currency: 'eur', destination: 'acct_r1', livemode: false, metadata: {},
    reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: '/v1/transfers/tr_by_hand/reversals' }, reversed: false, transfer_group: null,
  });
  (sandbox.state.find('tr_r10') as unknown as { amount: number }).amount += 1;
  sandbox.state.delete('tr_r20');
  return sandbox;
}
