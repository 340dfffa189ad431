import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { verifyAnalytics } from '../../services/analytics/verify-analytics.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';
import { createPayout } from '../../services/payouts/create-payout.js';
import { lockPayout, recordTransferMade, startProcessing } from '../../services/payouts/payout-lifecycle.js';
import { applyRefund } from '../../services/refunds/apply-refund.js';

/**
 * A known small history, fee 10 %, hold 7 days (UTC days relative to today, D-n):
 *
 * | payment | creator | paid | amount | later |
 * | --- | --- | --- | --- | --- |
 * | P1 | Ana | D-40 | 100.00 eur | released, paid out (payout of 90.00, PAID today) |
 * | P2 | Ana | D-5 | 200.00 eur | held |
 * | P3 | Ben | D-5 | 50.00 eur | held |
 * | P4 | Ben | D-20 | 300.00 eur | released; 100.00 refunded (creator part 90.00, fee part 10.00); payout of 50.00 requested (PENDING) |
 * | P5 | Ana | D-3 | 80.00 usd | held |
 */
let t: TestApp;
let who: TestPrincipals;
let ana: string;
let ben: string;
const DAY = 86_400_000;
let today: number;
const day = (n: number) => new Date(today - n * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  who = await createPrincipals(t);
  const { db } = t.database;
  const now = t.clock.now();
  today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  ({ creatorId: ana } = await insertCreator(db, { name: 'Ana Analytics' }));
  ({ creatorId: ben } = await insertCreator(db, { name: 'Ben Analytics' }));
  // One minute into the day, so the payment is on that UTC day whatever the time of the run.
  const paidOn = (n: number) => new Date(today - n * DAY + 60_000);
  const pay = (creatorId: string, externalId: string, amount: bigint, daysAgo: number, currency = 'eur') =>
    db.transaction(async (tx) => (await recordPayment(tx, { creatorId, externalId, amount, currency, paidAt: paidOn(daysAgo), actor: 'stripe' }, t)).payment);
  await pay(ana, 'pi_an_1', 10_000n, 40);
  await pay(ana, 'pi_an_2', 20_000n, 5);
  await pay(ben, 'pi_an_3', 5_000n, 5);
  const p4 = await pay(ben, 'pi_an_4', 30_000n, 20);
  await pay(ana, 'pi_an_5', 8_000n, 3, 'usd');
  await releaseDuePayments(db, { actor: 'system:test' }, t);
  await db.transaction((tx) => applyRefund(tx, { paymentId: p4.id, stripeRefund: { id: 're_an_4', amount: 10_000n, currency: 'eur' }, source: 'admin', actor: 'user:admin' }, t));

  const paid = await db.transaction(async (tx) => (await createPayout(tx, { creatorId: ana, amount: 9_000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:ana' }, t)).payout);
  await db.transaction(async (tx) =>
    startProcessing(tx, await lockPayout(tx, paid.id), { actor: 'user:admin', stripeAccountId: 'acct_an', awaitsBankPayout: false, leaseSeconds: 60 }, t.clock.now()),
  );
  await db.transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, paid.id), { actor: 'user:admin', transferId: 'tr_an_1' }, t.clock.now()));
  await db.transaction((tx) => createPayout(tx, { creatorId: ben, amount: 5_000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:ben' }, t));
});
afterAll(async () => {
  await t?.close();
});

const analytics = (query = '', headers = who.headers.admin) => t.app.inject({ method: 'GET', url: `/api/admin/analytics${query}`, headers });

interface DayFigures {
  date: string;
  payments: number;
  revenue: number;
  refunds: number;
  platformFees: number;
  creatorEarnings: number;
  payoutsPaid: number;
  payoutsPaidAmount: number;
}
const quiet = (date: string): DayFigures => ({ date, payments: 0, revenue: 0, refunds: 0, platformFees: 0, creatorEarnings: 0, payoutsPaid: 0, payoutsPaidAmount: 0 });
const noStatuses = { HELD: 0, READY: 0, PROCESSING: 0, PAID: 0, CANCELLED: 0, DISPUTED: 0, REFUNDED: 0 };

describe(`GET /api/admin/analytics on ${testDatabaseKind}`, () => {
  it('gives the figures of a known history exactly (30 days, the default period and currency)', async () => {
    const reply = await analytics();
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({
      currency: 'eur',
      period: { days: 30, from: day(29), to: day(0) },
      currencies: ['eur', 'usd'],
      // P2 + P3 + (P4 − refund) in the period; P1 before it.
      revenue: { total: 55_000, period: 45_000 },
      refunds: { total: 10_000, period: 10_000 },
      platformFees: { total: 5_500, period: 4_500 },
      creatorEarnings: { total: 49_500, period: 40_500 },
      payouts: { pending: { count: 1, amount: 5_000 }, completed: { count: 1, amount: 9_000 }, completedInPeriod: { count: 1, amount: 9_000 } },
      // Held: P2 18,000 + P3 4,500. Available: Ben's 27,000 − 9,000 refunded − 5,000 requested.
      balances: { held: 22_500, available: 13_000, reserved: 5_000, frozen: 0, debt: 0 },
      paymentStatuses: { ...noStatuses, HELD: 2, READY: 1 },
    });
    expect(body.topCreators).toEqual([
      { creatorId: ben, name: 'Ben Analytics', email: `${ben}@example.test`, payments: 2, revenue: 25_000, earnings: 22_500 },
      { creatorId: ana, name: 'Ana Analytics', email: `${ana}@example.test`, payments: 1, revenue: 20_000, earnings: 18_000 },
    ]);
    // Every day of the period, oldest first; nothing on the days without activity.
    expect(body.daily).toHaveLength(30);
    expect(body.daily.map((d: DayFigures) => d.date)).toEqual(Array.from({ length: 30 }, (_, i) => day(29 - i)));
    const active: Record<string, DayFigures> = {
      [day(20)]: { date: day(20), payments: 1, revenue: 20_000, refunds: 10_000, platformFees: 2_000, creatorEarnings: 18_000, payoutsPaid: 0, payoutsPaidAmount: 0 },
      [day(5)]: { date: day(5), payments: 2, revenue: 25_000, refunds: 0, platformFees: 2_500, creatorEarnings: 22_500, payoutsPaid: 0, payoutsPaidAmount: 0 },
      [day(0)]: { ...quiet(day(0)), payoutsPaid: 1, payoutsPaidAmount: 9_000 },
    };
    expect(body.daily).toEqual(body.daily.map((d: DayFigures) => active[d.date] ?? quiet(d.date)));
  });

  it('filters by period: 7 days leaves out D-20, 90 days takes in D-40 and reorders the top creators', async () => {
    const week = (await analytics('?period=7')).json();
    expect(week).toMatchObject({
      period: { days: 7, from: day(6), to: day(0) },
      revenue: { total: 55_000, period: 25_000 },
      refunds: { total: 10_000, period: 0 },
      platformFees: { total: 5_500, period: 2_500 },
      creatorEarnings: { period: 22_500 },
      payouts: { completed: { count: 1, amount: 9_000 }, completedInPeriod: { count: 1, amount: 9_000 } },
      paymentStatuses: { ...noStatuses, HELD: 2 },
    });
    expect(week.topCreators.map((c: { creatorId: string; earnings: number }) => [c.creatorId, c.earnings])).toEqual([
      [ana, 18_000],
      [ben, 4_500],
    ]);
    expect(week.daily).toHaveLength(7);

    const quarter = (await analytics('?period=90')).json();
    expect(quarter).toMatchObject({ revenue: { period: 55_000 }, platformFees: { period: 5_500 }, creatorEarnings: { period: 49_500 }, paymentStatuses: { ...noStatuses, HELD: 2, READY: 1, PAID: 1 } });
    expect(quarter.topCreators.map((c: { creatorId: string; payments: number; earnings: number }) => [c.creatorId, c.payments, c.earnings])).toEqual([
      [ana, 2, 27_000],
      [ben, 2, 22_500],
    ]);
    expect(quarter.daily).toHaveLength(90);
    expect(quarter.daily.find((d: DayFigures) => d.date === day(40))).toEqual({ ...quiet(day(40)), payments: 1, revenue: 10_000, platformFees: 1_000, creatorEarnings: 9_000 });
    expect((await analytics('?period=365')).json().daily).toHaveLength(365);
  });

  it('filters by currency, and answers zeros for a currency without activity', async () => {
    const usd = (await analytics('?currency=USD&period=7')).json();
    expect(usd).toMatchObject({
      currency: 'usd',
      revenue: { total: 8_000, period: 8_000 },
      platformFees: { total: 800, period: 800 },
      payouts: { pending: { count: 0, amount: 0 }, completed: { count: 0, amount: 0 } },
      balances: { held: 7_200, available: 0, reserved: 0 },
      paymentStatuses: { ...noStatuses, HELD: 1 },
    });
    expect(usd.topCreators).toEqual([{ creatorId: ana, name: 'Ana Analytics', email: `${ana}@example.test`, payments: 1, revenue: 8_000, earnings: 7_200 }]);
    expect(usd.daily.filter((d: DayFigures) => d.payments > 0).map((d: DayFigures) => d.date)).toEqual([day(3)]);

    const gbp = (await analytics('?currency=gbp')).json();
    expect(gbp).toMatchObject({
      currency: 'gbp',
      currencies: ['eur', 'gbp', 'usd'],
      revenue: { total: 0, period: 0 },
      payouts: { pending: { count: 0, amount: 0 }, completed: { count: 0, amount: 0 } },
      balances: { held: 0, available: 0, reserved: 0, frozen: 0, debt: 0 },
      topCreators: [],
      paymentStatuses: noStatuses,
    });
    expect(gbp.daily).toEqual(Array.from({ length: 30 }, (_, i) => quiet(day(29 - i))));
  });

  it('refuses another period or an unknown currency with 400 and a stable code, and callers other than admins', async () => {
    for (const period of ['14', '0', 'abc', '30.5', '']) {
      const reply = await analytics(`?period=${period}`);
      expect(reply.statusCode, period).toBe(400);
      expect(reply.json().error).toMatchObject({ code: 'INVALID_PERIOD', details: { param: 'period', allowed: [7, 30, 90, 365] } });
    }
    for (const currency of ['xxy', 'euro', '12']) {
      const reply = await analytics(`?currency=${currency}`);
      expect(reply.statusCode, currency).toBe(400);
      expect(reply.json().error).toMatchObject({ code: 'UNKNOWN_CURRENCY', details: { param: 'currency' } });
    }
    expect((await analytics('?days=7')).statusCode).toBe(400);
    expect((await analytics('', who.headers.creator)).statusCode).toBe(403);
    expect((await analytics('', who.headers.anonymous)).statusCode).toBe(401);
  });

  it('keeps aggregates equal to a recount; verify reports a difference, and a rebuild repairs it', async () => {
    expect(await verifyAnalytics(t.database.db)).toMatchObject({ ok: true });
    const { db } = t.database;
    await db.execute(sql`update daily_totals set amount = amount + 1 where day = ${day(5)}::date and currency = 'eur' and bucket = (select min(bucket) from daily_totals where day = ${day(5)}::date and currency = 'eur')`);
    await db.execute(sql`delete from creator_daily_totals where creator_id = ${ana} and currency = 'usd'`);
    await db.execute(sql`update creator_monthly_totals set payments = payments + 2 where creator_id = ${ben} and month = date_trunc('month', ${day(5)}::date) and bucket = 0`);
    const broken = await verifyAnalytics(db);
    expect(broken.ok).toBe(false);
    const failures = Object.fromEntries(broken.checks.map((check) => [check.name, check.failures]));
    // Ben's payments in the month of D-5: P3, and P4 when D-20 falls in the same month.
    const month = day(5).slice(0, 7);
    const inMonth = day(20).startsWith(month) ? 2 : 1;
    const usdMonth = day(3).slice(0, 7);
    expect(failures).toEqual({
      'daily analytics totals equal a recount of payments and payouts': [`${day(5)} eur: amount 25001, recount 25000`],
      "each creator's monthly analytics totals equal a recount of their payments": [`${month} eur creator ${ben}: payments ${inMonth + 2}, recount ${inMonth}`],
      "each creator's daily analytics totals add up to their month": [
        `${month} eur creator ${ben}: days payments ${inMonth}, month ${inMonth + 2}`,
        `${usdMonth} usd creator ${ana}: days payments 0, month 1; amount 0, month 8000; fee_amount 0, month 800`,
      ].sort(),
      "the creators' daily analytics totals add up to each day's": [
        `${day(5)} eur: creators amount 25000, day 25001`,
        `${day(3)} usd: creators payments 0, day 1; amount 0, day 8000; fee_amount 0, day 800`,
      ],
      "each day's payments add up by status": [],
    });
    await db.execute(sql`select analytics_rebuild()`);
    expect(await verifyAnalytics(db)).toMatchObject({ ok: true });
    expect((await analytics()).json()).toMatchObject({ revenue: { total: 55_000, period: 45_000 } });
  });
});
