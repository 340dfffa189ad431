import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import { insertCreator, paymentIntentSucceededEvent } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { StripeGateway } from '../../providers/stripe/index.js';
import type { ServiceContext } from '../context.js';
import { paymentReceiptGroupStats, recordPayment } from '../payments/record-payment.js';
import { releaseDuePayments } from '../payments/release-due-payments.js';
import { createPayout } from '../payouts/create-payout.js';
import { failPayout, lockPayout, recordTransferMade, startProcessing } from '../payouts/payout-lifecycle.js';
import { applyRefund } from '../refunds/apply-refund.js';
import { closeDispute, openDispute } from '../refunds/disputes.js';
import { ingestWebhookEvent } from '../webhooks/ingest-webhook-event.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';
import { getPlatformAnalytics } from './get-platform-analytics.js';
import { verifyAnalytics } from './verify-analytics.js';

/**
 * The triggers of drizzle/0016 keep `daily_totals` and `creator_daily_totals` equal to a recount
 * whichever path changes the money: the webhook's one-statement and grouped receipts, a
 * destination charge, the release sweep, partial and full refunds, a lost dispute, a payout paid
 * and then failed, a deleted payment. And concurrent writers of one day take separate buckets.
 */
let database: Database & { url: string };
const clock = new AdjustableClock();
const context: ServiceContext = {
  config: loadConfig({ PLATFORM_FEE_PERCENTAGE: '10', PAYOUT_HOLDING_DAYS: '7' }),
  clock,
  stripe: new StripeGateway({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', webhookSecrets: [], policy: { maxAttempts: 1 } }),
};

beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.close();
});

/** The day's figures in one currency, buckets summed. */
async function dayTotals(day: string, currency: string) {
  const { rows } = await database.db.execute<Record<string, string>>(sql`
    select coalesce(sum(payments), 0)::text as payments, coalesce(sum(amount), 0)::text as amount, coalesce(sum(fee_amount), 0)::text as fee_amount,
           coalesce(sum(refunded_amount), 0)::text as refunded_amount, coalesce(sum(refunded_fee_amount), 0)::text as refunded_fee_amount,
           coalesce(sum(payments_held), 0)::text as held, coalesce(sum(payments_ready), 0)::text as ready, coalesce(sum(payments_paid), 0)::text as paid,
           coalesce(sum(payments_cancelled), 0)::text as cancelled, coalesce(sum(payouts_paid), 0)::text as payouts_paid,
           coalesce(sum(payouts_paid_amount), 0)::text as payouts_paid_amount
    from daily_totals where day = ${day}::date and currency = ${currency}`);
  return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)]));
}

async function expectRecountEqual() {
  const verification = await verifyAnalytics(database.db);
  expect(verification.checks.flatMap((check) => check.failures)).toEqual([]);
  expect(verification.ok).toBe(true);
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

describe(`analytics aggregates on ${testDatabaseKind}`, () => {
  it('count payments received through the webhook, alone and in groups', async () => {
    const { creatorId } = await insertCreator(database.db);
    const at = new Date(clock.now().getTime() - 3_600_000);
    const before = { ...(paymentReceiptGroupStats(database.db) ?? { groups: 0, items: 0, fallbacks: 0 }) };
    const events = Array.from({ length: 12 }, (_, i) => paymentIntentSucceededEvent({ creatorId, amount: 1_000 + i, currency: 'chf', at }));
    const results = await Promise.all(events.map((event) => ingestWebhookEvent(database.db, event, context)));
    expect(results.every((result) => result.status === 'completed')).toBe(true);
    const after = paymentReceiptGroupStats(database.db)!;
    expect(after.fallbacks - before.fallbacks).toBe(0);
    // 12,066 = 12 × 1,000 + 0 + … + 11; each fee rounds half up: 100 + … + 101.
    const fees = events.reduce((sum, _, i) => sum + Math.floor(((1_000 + i) * 1_000 + 5_000) / 10_000), 0);
    expect(await dayTotals(utcDay(at), 'chf')).toMatchObject({ payments: 12, amount: 12_066, fee_amount: fees, held: 12, refunded_amount: 0 });
    await expectRecountEqual();
  });

  it('follow releases, refunds, disputes, payouts paid and then failed, and deletions', async () => {
    const { db } = database;
    const { creatorId } = await insertCreator(db);
    const paidAt = new Date(clock.now().getTime() - 10 * 86_400_000);
    const day = utcDay(paidAt);
    const pay = async (externalId: string, amount: bigint, extra: { transferredAtSource?: boolean } = {}) =>
      (await db.transaction((tx) => recordPayment(tx, { creatorId, externalId, amount, currency: 'sek', paidAt, actor: 'stripe', ...extra }, context))).payment;
    const [a, b, c] = [await pay('pi_dt_a', 10_000n), await pay('pi_dt_b', 20_000n), await pay('pi_dt_c', 30_000n), await pay('pi_dt_d', 4_000n)];
    await pay('pi_dt_dest', 5_000n, { transferredAtSource: true });
    expect(await dayTotals(day, 'sek')).toMatchObject({ payments: 5, amount: 69_000, fee_amount: 6_900, held: 4, paid: 1 });

    await releaseDuePayments(db, { actor: 'system:test' }, context);
    expect(await dayTotals(day, 'sek')).toMatchObject({ held: 0, ready: 4, paid: 1 });

    // A partial refund of a (3,333: creator part round_half_up(2,999.7) = 3,000, fee part 333), a full one of b.
    await db.transaction((tx) => applyRefund(tx, { paymentId: a.id, stripeRefund: { id: 're_dt_a', amount: 3_333n, currency: 'sek' }, source: 'webhook', actor: 'stripe' }, context));
    await db.transaction((tx) => applyRefund(tx, { paymentId: b.id, stripeRefund: { id: 're_dt_b', amount: 20_000n, currency: 'sek' }, source: 'webhook', actor: 'stripe' }, context));
    expect(await dayTotals(day, 'sek')).toMatchObject({ refunded_amount: 23_333, refunded_fee_amount: 2_333, ready: 3, cancelled: 1 });
    await expectRecountEqual();

    // c disputed and lost: its amount goes back to the customer like a refund.
    await db.transaction((tx) => openDispute(tx, { paymentId: c.id, dispute: { id: 'dp_dt_c', amount: 30_000n, currency: 'sek' }, actor: 'stripe' }, context));
    expect(await dayTotals(day, 'sek')).toMatchObject({ ready: 2, cancelled: 1 });
    await db.transaction((tx) => closeDispute(tx, { disputeId: 'dp_dt_c', outcome: 'lost', feePayer: 'platform', actor: 'stripe' }, context));
    expect(await dayTotals(day, 'sek')).toMatchObject({ refunded_amount: 53_333, refunded_fee_amount: 5_333, ready: 2, cancelled: 2 });
    await expectRecountEqual();

    // A payout of what is left (a: 6,000; d: 3,600) paid today, then failed by the bank: counted, then not.
    const payout = await db.transaction(async (tx) => (await createPayout(tx, { creatorId, amount: 9_600n, currency: 'sek', origin: 'request', status: 'PENDING', actor: 'user:test' }, context)).payout);
    await db.transaction(async (tx) => startProcessing(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', stripeAccountId: 'acct_dt', awaitsBankPayout: false, leaseSeconds: 60 }, clock.now()));
    await db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', transferId: 'tr_dt' }, clock.now()));
    const today = utcDay(clock.now());
    expect(await dayTotals(today, 'sek')).toMatchObject({ payouts_paid: 1, payouts_paid_amount: 9_600 });
    expect(await dayTotals(day, 'sek')).toMatchObject({ ready: 0, paid: 3, cancelled: 2 });
    await expectRecountEqual();
    await db.transaction(async (tx) => failPayout(tx, await lockPayout(tx, payout.id), { actor: 'stripe', code: 'account_closed', message: 'closed', moneyBack: 'reversal' }, clock.now()));
    expect(await dayTotals(today, 'sek')).toMatchObject({ payouts_paid: 0, payouts_paid_amount: 0 });
    await expectRecountEqual();

    // A payment nothing refers to can go (a data repair): it stops counting.
    const e = await pay('pi_dt_e', 1_000n);
    expect(await dayTotals(day, 'sek')).toMatchObject({ payments: 6, held: 1 });
    await db.execute(sql`delete from payments where id = ${e.id}`);
    expect(await dayTotals(day, 'sek')).toMatchObject({ payments: 5, amount: 69_000, held: 0 });
    await expectRecountEqual();
  });

  it('rank the top creators of every period exactly as a count of their payments does', async () => {
    // 30 creators of uneven popularity, 1,500 payments over 400 days, some refunded in part or in full.
    const creators = await Promise.all(Array.from({ length: 30 }, (_, i) => insertCreator(database.db, { id: `cr_top_${String(i).padStart(2, '0')}` })));
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const now = clock.now();
    const rows = Array.from({ length: 1_500 }, (_, i) => {
      const amount = 100 + Math.floor(random() * 50_000);
      const fee = Math.floor((amount * 1_000 + 5_000) / 10_000);
      const fate = random();
      const refunded = fate < 0.05 ? amount : fate < 0.15 ? Math.floor(random() * amount) : 0;
      const creatorId = creators[Math.floor(30 * random() ** 2)]!.creatorId;
      const paidAt = new Date(now.getTime() - Math.floor(random() * 400 * 86_400_000));
      return { id: `pay_top_${i}`, creatorId, amount, fee, refunded, paidAt };
    });
    await database.db.execute(sql`
      insert into payments (id, creator_id, external_id, amount, currency, fee_amount, creator_amount, refunded_amount, status, paid_at, payout_release_date, created_at, updated_at)
      select r.id, r.creator_id, r.id, r.amount, 'dkk', r.fee, r.amount - r.fee, r.refunded, case when r.refunded = r.amount then 'CANCELLED' else 'READY' end,
             r.paid_at, r.paid_at, r.paid_at, r.paid_at
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, creator_id: r.creatorId, amount: r.amount, fee: r.fee, refunded: r.refunded, paid_at: r.paidAt.toISOString() })))}::jsonb)
        as r(id text, creator_id text, amount bigint, fee bigint, refunded bigint, paid_at timestamptz)`);
    await expectRecountEqual();

    for (const period of [7, 30, 90, 365] as const) {
      const analytics = await getPlatformAnalytics(database.db, { period, currency: 'dkk', now, topCreators: 5 });
      const inPeriod = rows.filter((r) => utcDay(r.paidAt) >= analytics.period.from && utcDay(r.paidAt) <= analytics.period.to);
      const earnings = new Map<string, bigint>();
      for (const r of inPeriod) {
        const net = creatorNetShare({ amount: BigInt(r.amount), creatorAmount: BigInt(r.amount - r.fee) }, BigInt(r.refunded));
        earnings.set(r.creatorId, (earnings.get(r.creatorId) ?? 0n) + net);
      }
      const expected = [...earnings]
        .sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1))
        .slice(0, 5)
        .map(([creatorId, total]) => ({ creatorId, earnings: total }));
      expect(analytics.topCreators.map(({ creatorId, earnings }) => ({ creatorId, earnings })), `period ${period}`).toEqual(expected);
      expect(analytics.creatorEarnings.period).toBe([...earnings.values()].reduce((a, b) => a + b, 0n));
    }
  });

  it.skipIf(testDatabaseKind === 'pglite')('lets concurrent transactions count on the same day without waiting for each other', async () => {
    // PGlite runs one transaction at a time: only PostgreSQL has concurrent writers.
    const creators = await Promise.all([1, 2, 3].map(() => insertCreator(database.db)));
    const paidAt = new Date(clock.now().getTime() - 2 * 86_400_000);
    // The currency's ledger accounts exist first: creating them makes concurrent first payments wait (on the ledger).
    await database.db.transaction((tx) =>
      recordPayment(tx, { creatorId: creators[0]!.creatorId, externalId: 'pi_dt_conc_warm', amount: 1_000n, currency: 'nok', paidAt: new Date(paidAt.getTime() - 86_400_000), actor: 'stripe' }, context),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const record = (creatorId: string, i: number) => (tx: Parameters<Parameters<Database['db']['transaction']>[0]>[0]) =>
      recordPayment(tx, { creatorId, externalId: `pi_dt_conc_${i}`, amount: 1_000n, currency: 'nok', paidAt, actor: 'stripe' }, context);
    // The first transaction counts its payment and stays open; the others must still commit.
    const first = database.db.transaction(async (tx) => {
      await record(creators[0]!.creatorId, 0)(tx);
      await gate;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const others = Promise.all(creators.slice(1).map(({ creatorId }, i) => database.db.transaction(record(creatorId, i + 1))));
    const outcome = await Promise.race([others.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('waited'), 5_000))]);
    release();
    await first;
    await others;
    expect(outcome).toBe('committed');
    const { rows } = await database.db.execute<{ buckets: number; payments: string }>(
      sql`select count(*)::int as buckets, sum(payments)::text as payments from daily_totals where day = ${utcDay(paidAt)}::date and currency = 'nok'`,
    );
    expect(Number(rows[0]!.payments)).toBe(3);
    expect(rows[0]!.buckets).toBeGreaterThan(1);
    await expectRecountEqual();
  });

  it('`payouts verify` reports the aggregates, and fails when they drift from a recount', async () => {
    const sound = await runPayouts(['verify'], { DATABASE_URL: database.url });
    expect(sound.stdout).toContain('ok   daily analytics totals equal a recount of payments and payouts');
    expect(sound.stdout).toMatch(/Analytics verified: all 5 invariants hold\./);
    expect(sound.code).toBe(0);

    await database.db.execute(sql`update daily_totals set payouts_paid = payouts_paid + 1 where currency = 'sek' and day = (select max(day) from daily_totals where currency = 'sek')`);
    const broken = await runPayouts(['verify'], { DATABASE_URL: database.url });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('FAIL daily analytics totals equal a recount of payments and payouts');
    expect(broken.stdout).toMatch(/sek: payouts_paid 1, recount 0/);
    expect(broken.stdout).toMatch(/Analytics verification FAILED: 1 of 5 invariants broken\./);
    await database.db.execute(sql`select analytics_rebuild()`);
    await expectRecountEqual();
  });
});
