/**
 * 1,000 approved (PENDING) payouts processed through the bulk path (`processPayoutsInBulk`, what
 * `POST /api/admin/payouts/bulk` runs, in chunks of 500) against the local Stripe sandbox with its
 * rate limit on (25 requests/s, 429 + Retry-After beyond). Prints the seconds, the Stripe requests
 * per second achieved as a share of the limit (target ≥ 90 %), the 429s the sandbox answered and
 * duplicate transfers (target 0).
 *
 *   npx tsx bench/payouts-throughput.ts [--payouts 1000] [--db postgres|pglite] [--rps 24] [--concurrency 8]
 *
 * Set-up (creators, connected accounts, earnings, payouts) runs with the rate limit off and is not timed.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/config.js';
import { balances, platformAccount, verifyLedger } from '../src/ledger/index.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { StripeGateway } from '../src/providers/stripe/index.js';
import { startSandbox } from '../src/sandbox/index.js';
import { recordPayment } from '../src/services/payments/record-payment.js';
import { releaseDuePayments } from '../src/services/payments/release-due-payments.js';
import { createPayout } from '../src/services/payouts/create-payout.js';
import { MAX_BULK_PAYOUTS, processPayoutsInBulk } from '../src/services/payouts/process-payouts-in-bulk.js';
import { createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    payouts: { type: 'string', default: '1000' },
    db: { type: 'string', default: 'postgres' },
    rps: { type: 'string', default: '24' },
    concurrency: { type: 'string', default: '8' },
  },
});
const payoutCount = Number(values.payouts);
const kind = values.db as BenchDatabaseKind;
const requestsPerSecond = Number(values.rps);
const concurrency = Number(values.concurrency);
const SANDBOX_LIMIT = 25;
const KEY = 'sk_test_bench_payouts_throughput';

/** Run `work` over `items`, `n` at a time. */
async function inParallel<T>(items: readonly T[], n: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

async function main(): Promise<void> {
  let counting = false;
  const seen = { ok: 0, rateLimited: 0, other: 0 };
  const sandbox = await startSandbox({
    port: 0,
    onResponse: (exchange) => {
      if (!counting) return;
      if (exchange.statusCode === 429) seen.rateLimited++;
      else if (exchange.statusCode < 400) seen.ok++;
      else seen.other++;
    },
  });
  const scratch = await createScratchDatabase(kind, 10);
  const { db } = scratch.database;
  const clock = new AdjustableClock();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  try {
    // ── set-up, not timed ──────────────────────────────────────────────────────────────────────
    const setupStart = performance.now();
    const fast = new StripeGateway({ secretKey: KEY, apiBase: sandbox.url, webhookSecrets: [], policy: { requestsPerSecond: 2000, perOperation: {} } });
    const customer = fast.stripe; // the SDK client behind the gateway, for the customer's payment and the final count
    await customer.paymentIntents.create({ amount: payoutCount * 10_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
    process.stdout.write(`${kind}: ${payoutCount} creators with onboarded Express accounts, earnings and a PENDING payout each … `);
    const creators = Array.from({ length: payoutCount }, (_, i) => `cr_bench_${i}`);
    const accounts: string[] = [];
    await inParallel(creators, 16, async (creatorId, i) => {
      const account = await fast.createExpressAccount({ creatorId, email: `${creatorId}@example.test`, manualPayouts: false });
      await fetch(`${sandbox.url}/_sandbox/accounts/${account.id}/onboard`, { method: 'POST' });
      accounts[i] = account.id;
    });
    const at = new Date('2026-01-01T00:00:00Z').toISOString();
    await db.execute(sql`insert into users (id, email, name, role, created_at)
      select 'usr_bench_' || i, 'cr_bench_' || i || '@example.test', 'Bench creator ' || i, 'CREATOR', ${at}::timestamptz from generate_series(0, ${payoutCount - 1}) as i`);
    await db.execute(sql`insert into creators (id, user_id, currency, created_at, stripe_account_id, payouts_enabled, charges_enabled, details_submitted)
      select 'cr_bench_' || i, 'usr_bench_' || i, 'eur', ${at}::timestamptz, (${JSON.stringify(accounts)}::jsonb ->> i), true, true, true
      from generate_series(0, ${payoutCount - 1}) as i`);
    const context = { config, clock };
    const paidAt = new Date(clock.now().getTime() - 30 * 86_400_000);
    await inParallel(creators, 8, async (creatorId) => {
      await db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_${creatorId}`, amount: 10_000n, currency: 'eur', paidAt, actor: 'system:bench' }, context));
    });
    await releaseDuePayments(db, { actor: 'system:bench' }, context);
    const payoutIds: string[] = [];
    await inParallel(creators, 8, async (creatorId, i) => {
      const { payout } = await db.transaction((tx) => createPayout(tx, { creatorId, amount: 9_000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'system:bench' }, context));
      payoutIds[i] = payout.id;
    });
    console.log(`${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    // ── the timed run: the bulk path, with the sandbox's rate limit on ──────────────────────────
    sandbox.controls.setRateLimit({ enabled: true, requestsPerSecond: SANDBOX_LIMIT });
    const stripe = new StripeGateway({ secretKey: KEY, apiBase: sandbox.url, webhookSecrets: [], policy: { requestsPerSecond, perOperation: {} } });
    const service = { config, clock, stripe };
    const counts: Record<string, number> = {};
    counting = true;
    const start = performance.now();
    for (let i = 0; i < payoutIds.length; i += MAX_BULK_PAYOUTS) {
      const summary = await processPayoutsInBulk(db, { payoutIds: payoutIds.slice(i, i + MAX_BULK_PAYOUTS), actor: 'system:bench' }, service, { concurrency });
      for (const [outcome, n] of Object.entries(summary.counts)) counts[outcome] = (counts[outcome] ?? 0) + n;
    }
    const seconds = (performance.now() - start) / 1000;
    counting = false;
    sandbox.controls.setRateLimit({ enabled: false });

    // ── checks ───────────────────────────────────────────────────────────────────────────────
    const groups = new Map<string, number>();
    let sent = 0n;
    for await (const transfer of customer.transfers.list({ limit: 100 })) {
      groups.set(transfer.transfer_group ?? transfer.id, (groups.get(transfer.transfer_group ?? transfer.id) ?? 0) + 1);
      sent += BigInt(transfer.amount);
    }
    const duplicates = [...groups.values()].reduce((sum, n) => sum + (n - 1), 0);
    const ledgerSent = (await balances(db, [platformAccount('transfers', 'eur')])).get(platformAccount('transfers', 'eur').code) ?? 0n;
    const paid = await db.execute<{ n: number }>(sql`select count(*)::int as n from payouts where status = 'PAID'`);
    const verification = await verifyLedger(db);

    const achieved = seen.ok / seconds;
    console.log(`${kind}: processed ${payoutCount.toLocaleString('en')} payouts in ${seconds.toFixed(1)} s (${(payoutCount / seconds).toFixed(1)} payouts/s; policy ${requestsPerSecond} req/s, ${concurrency} in flight)`);
    console.log(`  outcomes: ${JSON.stringify(counts)}; PAID in the database: ${paid.rows[0]?.n}`);
    console.log(`  Stripe requests answered: ${seen.ok} → ${achieved.toFixed(1)} req/s = ${((100 * achieved) / SANDBOX_LIMIT).toFixed(1)} % of the ${SANDBOX_LIMIT}/s limit (target ≥ 90 %)`);
    console.log(`  429s from the sandbox: ${seen.rateLimited}; other errors: ${seen.other}`);
    console.log(`  transfers in the sandbox: ${[...groups.values()].reduce((a, b) => a + b, 0)}, duplicates: ${duplicates} (target 0)`);
    console.log(`  sandbox transfer total ${sent} = ledger ${ledgerSent}: ${sent === ledgerSent ? 'yes' : 'NO'}; ledger invariants ${verification.ok ? 'hold' : 'BROKEN'}`);
    if (duplicates > 0 || sent !== ledgerSent || !verification.ok || paid.rows[0]?.n !== payoutCount) process.exitCode = 1;
  } finally {
    await scratch.drop();
    await sandbox.close();
  }
}

await main();
