import { and, asc, count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutSagaFixtures } from '../../../test/payout-saga-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { waitFor } from '../../../test/wait-for.js';
import { alerts, outboxMessages, payments, platformBalanceSnapshots } from '../../db/schema/index.js';
import { platformBalanceCheckJob } from '../../jobs/platform-balance-check.js';
import { runJob } from '../../jobs/run-job.js';
import { renderMessage } from '../../notifications/render.js';

/**
 * The platform balance check (seed 002 §5, issue 14 §2) against the in-process Stripe sandbox,
 * through its cron endpoint and the built-in scheduler's way of running it. Creator obligations
 * come from real payments (paid in the sandbox, recorded from their signed webhooks); the
 * platform's balance is moved with top-ups (payments that are no creator's) and platform payouts
 * to its bank. The scenarios run in order on one sandbox: each starts from the last one's state.
 */
let t: TestApp;
let who: TestPrincipals;
/** The customers' and the platform's side of Stripe: the SDK the gateway wraps, as other tests use it (the SDK is imported by the gateway only). */
const customer = () => t.stripe.stripe;
const fixtures = payoutSagaFixtures(() => t);

beforeAll(async () => {
  t = await createTestApp({ listen: true });
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const HOUR = 3600;
let bookings = 0;
const DAY = 86_400;

/** A customer pays a creator in the sandbox; resolves once the webhook recorded the payment. */
async function pay(creatorId: string, amount: number, options: { currency?: string; pending?: boolean } = {}) {
  const intent = await customer().paymentIntents.create({
    amount,
    currency: options.currency ?? 'eur',
    payment_method: options.pending ? 'pm_card_visa' : 'pm_card_bypassPending',
    confirm: true,
    metadata: { creatorId, bookingId: `bk_balance_${++bookings}` },
  });
  return waitFor(`the payment of ${intent.id}`, async () => (await t.database.db.select().from(payments).where(eq(payments.stripePaymentIntentId, intent.id)))[0]);
}

async function availableAtStripe(currency = 'eur'): Promise<number> {
  const balance = await t.stripe.retrieveBalance();
  return balance.available.find((funds) => funds.currency === currency)?.amount ?? 0;
}

/** Moves the platform's available balance to `target`: a top-up (a payment that is no creator's) or a payout of the platform to its bank. */
async function setAvailable(target: number, currency = 'eur') {
  const difference = target - (await availableAtStripe(currency));
  if (difference > 0) await customer().paymentIntents.create({ amount: difference, currency, payment_method: 'pm_card_bypassPending', confirm: true });
  if (difference < 0) await customer().payouts.create({ amount: -difference, currency });
  expect(await availableAtStripe(currency)).toBe(target);
}

/** An on-demand check, as an external scheduler or an admin runs it. */
async function checkNow() {
  const reply = await t.app.inject({ method: 'POST', url: '/api/cron/platform-balance-check', headers: who.headers.cron });
  expect(reply.statusCode, reply.body).toBe(200);
  return reply.json();
}

/** The hourly run of the built-in scheduler (actor `system:<job>`). */
const scheduledCheck = () => runJob(platformBalanceCheckJob, { config: t.config, clock: t.clock, stripe: t.stripe, database: t.database, actor: 'system:platform-balance-check' });

const balanceAlerts = () => t.database.db.select().from(alerts).where(like(alerts.type, 'balance_%')).orderBy(asc(alerts.id));
const alertOf = async (fingerprint: string) => (await balanceAlerts()).filter((a) => a.fingerprint === fingerprint);
const messagesOf = (topic: string) => t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, topic));
const snapshotCount = async (trigger?: 'daily' | 'on_demand') =>
  (await t.database.db.select({ n: count() }).from(platformBalanceSnapshots).where(trigger ? eq(platformBalanceSnapshots.trigger, trigger) : undefined))[0]!.n;

/** Seconds from now to the next `hour`:00:30 UTC at least `minimumSeconds` ahead. */
function secondsToNext(hour: number, minimumSeconds = 0): number {
  const now = t.clock.now().getTime();
  const target = new Date(now + minimumSeconds * 1000);
  let at = Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), target.getUTCDate(), hour, 0, 30);
  if (at < target.getTime()) at += DAY * 1000;
  return Math.ceil((at - now) / 1000);
}

describe(`platform balance check on ${testDatabaseKind}`, () => {
  it('healthy: obligations from real payments, the 120 % reserve, Stripe’s available and pending, seed 002’s reply, an on-demand snapshot with its metadata', async () => {
    const unconnected = who.creator.creatorId; // no Stripe account: cannot be paid yet
    const { creatorId: connected } = await fixtures.connectedCreator();
    const first = await pay(unconnected, 1_000_000);
    await pay(connected, 500_000, { pending: true });
    expect(first).toMatchObject({ status: 'HELD', creatorAmount: 900_000n });
    await setAvailable(3_000_000);

    const report = await checkNow();
    expect(report).toMatchObject({
      success: true,
      job: 'platform-balance-check',
      updatedCount: 1,
      data: {
        balanceStatus: {
          currency: 'eur',
          thresholdStatus: 'healthy',
          reasons: [],
          availableBalance: 3_000_000,
          pendingBalance: 500_000,
          totalBalance: 3_500_000,
          pendingObligations: 1_350_000, // 90 % of each payment, held
          requiredReserve: 1_620_000,
          availableForPayouts: 1_380_000,
          reserveShortfall: 0,
          daysOfCoverage: null,
          isHealthy: true,
          isWarning: false,
          isCritical: false,
        },
        alerts: [],
        alertsCreated: 0,
        trend: { direction: 'stable', averageChange: 0 },
        projection: { reserveBreachDate: null, runOutDate: null, horizonDays: 90 },
        snapshotsStored: 1,
      },
    });
    expect(report.message).toBe('EUR healthy: €30,000.00 available, €13,500.00 owed, reserve €16,200.00, trend stable; 1 snapshot stored, 0 alerts opened, 0 resolved');
    expect(report.data.currencies).toHaveLength(1);
    expect(report.data.currencies[0]).toMatchObject({
      obligations: { held: 1_350_000, available: 0, reserved: 0, frozen: 0 },
      metadata: { creatorsWithUnpaidEarnings: 2, creatorsWithoutPayoutAccount: 1 },
      snapshot: { trigger: 'on_demand' },
    });

    const [snapshot] = await t.database.db.select().from(platformBalanceSnapshots);
    expect(snapshot).toMatchObject({
      currency: 'eur',
      trigger: 'on_demand',
      available: 3_000_000n,
      pending: 500_000n,
      obligations: 1_350_000n,
      requiredReserve: 1_620_000n,
      thresholdStatus: 'healthy',
      metadata: {
        creatorsWithUnpaidEarnings: 2,
        creatorsWithoutPayoutAccount: 1,
        obligationsByBucket: { held: '1350000', available: '0', reserved: '0' },
        daysSinceLastSnapshot: null,
        projection: { runOutDate: null, reserveBreachDate: null, daysOfCoverage: null },
      },
    });
    expect(await balanceAlerts()).toEqual([]);
  });

  it('warning, critical, depleted as the platform balance moves: one alert per condition, notified once, resolved when it clears; Stripe down changes nothing', async () => {
    // Healthy threshold met (≥ 10,000.00) but 86 % of the reserve: not healthy.
    await setAvailable(1_400_000);
    const warning = await checkNow();
    expect(warning.data.balanceStatus).toMatchObject({ thresholdStatus: 'warning', reasons: ['below_reserve'], reserveShortfall: 220_000, isWarning: true });
    expect(warning.data.alertsCreated).toBe(2);
    expect(warning.data.alerts.map((a: { type: string; opened: boolean }) => [a.type, a.opened]).sort()).toEqual([
      ['balance_below_reserve', true],
      ['balance_warning', true],
    ]);
    const [belowReserve] = await alertOf('balance_below_reserve:eur');
    expect(belowReserve).toMatchObject({ status: 'OPEN', severity: 'warning', occurrences: 1, subject: 'Platform balance €14,000.00 below the reserve of €16,200.00 (EUR): €2,200.00 short' });
    expect(await messagesOf('alert.balance_below_reserve')).toMatchObject([{ recipient: 'admins', payload: { currency: 'eur', amount: '1400000', requiredReserve: '1620000', shortfall: '220000' } }]);
    const snapshotsBefore = await snapshotCount();

    // Stripe unreachable: a clear 503, no snapshot, and the open alerts neither resolved nor counted.
    await t.testSandbox!.control('POST', '/_sandbox/failures', { path: '/v1/balance', error: { status: 500, message: 'Stripe is having a bad day' } });
    const down = await t.app.inject({ method: 'POST', url: '/api/cron/platform-balance-check', headers: who.headers.cron });
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatchObject({ code: 'PLATFORM_BALANCE_UNAVAILABLE' });
    expect(down.json().error.message).toMatch(/^The platform balance could not be read from Stripe \(.*Stripe is having a bad day.*\); nothing was checked: no snapshot stored, alerts left as they were$/);
    await expect(scheduledCheck()).rejects.toMatchObject({ code: 'PLATFORM_BALANCE_UNAVAILABLE' });
    expect(await snapshotCount()).toBe(snapshotsBefore);
    expect((await balanceAlerts()).map((a) => [a.type, a.status, a.occurrences])).toEqual([
      ['balance_below_reserve', 'OPEN', 1],
      ['balance_warning', 'OPEN', 1],
    ]);
    await t.testSandbox!.control('DELETE', '/_sandbox/failures');

    // The same condition an hour later: counted, not notified again.
    t.clock.advance(HOUR);
    const again = await checkNow();
    expect(again.data.alertsCreated).toBe(0);
    expect(again.data.alerts.every((a: { opened: boolean }) => !a.opened)).toBe(true);
    expect((await balanceAlerts()).map((a) => [a.type, a.status, a.occurrences])).toEqual([
      ['balance_below_reserve', 'OPEN', 2],
      ['balance_warning', 'OPEN', 2],
    ]);
    expect(await messagesOf('alert.balance_warning')).toHaveLength(1);
    expect(await messagesOf('alert.balance_below_reserve')).toHaveLength(1);

    // Under half the reserve: critical; the warning clears, the reserve alert goes on. And the release
    // calendar sees the day the holds end: 13,500.00 payable then, against 8,000.00.
    await setAvailable(800_000);
    const critical = await checkNow();
    expect(critical.data.balanceStatus).toMatchObject({ thresholdStatus: 'critical', reasons: ['below_half_of_reserve'], isCritical: true, isWarning: false });
    expect(critical.data).toMatchObject({ alertsCreated: 2, alertsResolved: 1, trend: { averageChange: 0 }, projection: { reserveBreachInDays: 0, runOutShortfall: 550_000 } });
    expect([6, 7]).toContain(critical.data.projection.runOutInDays); // the payments' release date, 7 days after they were paid an hour ago
    expect(await alertOf('balance_runout_projected:eur')).toMatchObject([{ status: 'OPEN', severity: 'warning' }]);
    const [criticalAlert] = await alertOf('balance_critical:eur');
    expect(criticalAlert).toMatchObject({ status: 'OPEN', severity: 'critical', subject: 'Platform balance critically low (EUR): €8,000.00 available, reserve €16,200.00' });
    expect(await alertOf('balance_warning:eur')).toMatchObject([{ status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Superseded: the platform balance fell below the critical level (see the critical alert)' }]);
    const [criticalMessage] = await messagesOf('alert.balance_critical');
    const email = await renderMessage('alert.balance_critical', criticalMessage!.payload, { appUrl: 'https://payouts.example.com', locale: 'en', recipient: { name: 'Admin', role: 'ADMIN' }, unsubscribeUrl: null });
    expect(email.subject).toBe('[CRITICAL] Platform balance below minimum threshold: €8,000.00 available');
    expect(email.body).toContain('under half the required reserve of €16,200.00');

    // Nothing left: depleted — the same critical alert, now saying so, still one message; the run-out is today.
    await setAvailable(0);
    const depleted = await checkNow();
    expect(depleted.data.balanceStatus).toMatchObject({ thresholdStatus: 'depleted', reasons: ['balance_not_positive'], availableBalance: 0, isCritical: true, daysOfCoverage: 0 });
    expect(depleted.data).toMatchObject({ alertsCreated: 0, alertsResolved: 0 });
    expect((await alertOf('balance_runout_projected:eur'))[0]!.subject).toBe('Platform balance (EUR) projected unable to cover what is payable now: €0.00 available, €0.00 a day');
    expect(await alertOf('balance_critical:eur')).toMatchObject([{ id: criticalAlert!.id, status: 'OPEN', occurrences: 2, subject: 'Platform balance depleted (EUR): €0.00 available, €13,500.00 owed to creators' }]);
    expect(await messagesOf('alert.balance_critical')).toHaveLength(1);

    // Funds added: healthy, and every balance alert resolved by the system.
    await setAvailable(5_000_000);
    const healthy = await checkNow();
    expect(healthy.data).toMatchObject({ balanceStatus: { thresholdStatus: 'healthy' }, alerts: [], alertsCreated: 0, alertsResolved: 3 });
    expect((await balanceAlerts()).map((a) => [a.type, a.status, a.resolvedBy])).toEqual([
      ['balance_below_reserve', 'RESOLVED', 'system'],
      ['balance_warning', 'RESOLVED', 'system'],
      ['balance_critical', 'RESOLVED', 'system'],
      ['balance_runout_projected', 'RESOLVED', 'system'],
    ]);
    expect((await alertOf('balance_below_reserve:eur'))[0]!.resolutionNote).toBe('Cleared: the platform balance covers the reserve again');
    // Each condition told once, for the whole episode.
    for (const topic of ['alert.balance_warning', 'alert.balance_below_reserve', 'alert.balance_critical', 'alert.balance_runout_projected']) expect(await messagesOf(topic)).toHaveLength(1);
  });

  it('the trend from daily snapshots, and the projection’s alert days before the balance falls below the reserve', async () => {
    // The next 06:00 UTC at least 7 days ahead: the last scenario's snapshots are out of the trend's
    // window, the pending payment has become available, and the holds are over (all 13,500.00 payable).
    t.clock.advance(secondsToNext(6, 7 * DAY));
    await setAvailable(5_000_000);
    const dailyBefore = await snapshotCount('daily');

    // The scheduler's hourly runs: the first from 06:00 stores the day's snapshot, the next ones do not; an on-demand run always does.
    expect(await scheduledCheck()).toMatchObject({ data: { snapshotsStored: 1, currencies: [{ snapshot: { trigger: 'daily' } }] } });
    t.clock.advance(HOUR);
    expect(await scheduledCheck()).toMatchObject({ data: { snapshotsStored: 0 } });
    expect((await checkNow()).data.snapshotsStored).toBe(1);
    expect(await snapshotCount('daily')).toBe(dailyBefore + 1);

    // The platform pays out 6,000.00 a day: the trend turns, and the projection sees the reserve (16,200.00) crossed on the 5th day.
    const seen: Array<{ day: number; status: string; breachIn: number | null; runOutIn: number | null; fingerprints: string[] }> = [];
    for (let day = 1; day <= 6; day++) {
      t.clock.advance(secondsToNext(6));
      await setAvailable(5_000_000 - day * 600_000);
      const report = await scheduledCheck();
      const data = report.data as { balanceStatus: { thresholdStatus: string }; trend: { direction: string; averageChange: number }; projection: { reserveBreachInDays: number | null; runOutInDays: number | null }; snapshotsStored: number };
      expect(data.snapshotsStored).toBe(1);
      expect(data.trend.direction).toBe('decreasing');
      expect(Math.abs(data.trend.averageChange + 600_000)).toBeLessThan(100); // −6,000.00 a day (the days are a few milliseconds longer than 24 h)
      const open = (await balanceAlerts()).filter((a) => a.status !== 'RESOLVED').map((a) => a.fingerprint);
      expect(data.balanceStatus).toMatchObject({ availableBalance: 5_000_000 - day * 600_000 });
      seen.push({ day, status: data.balanceStatus.thresholdStatus, breachIn: data.projection.reserveBreachInDays, runOutIn: data.projection.runOutInDays, fingerprints: open.sort() });
    }
    expect(seen).toEqual([
      { day: 1, status: 'healthy', breachIn: 5, runOutIn: 6, fingerprints: ['balance_runout_projected:eur'] },
      { day: 2, status: 'healthy', breachIn: 4, runOutIn: 5, fingerprints: ['balance_runout_projected:eur'] },
      { day: 3, status: 'healthy', breachIn: 3, runOutIn: 4, fingerprints: ['balance_runout_projected:eur'] },
      { day: 4, status: 'healthy', breachIn: 2, runOutIn: 3, fingerprints: ['balance_runout_projected:eur'] },
      { day: 5, status: 'healthy', breachIn: 1, runOutIn: 2, fingerprints: ['balance_runout_projected:eur'] },
      // 14,000.00: below the reserve now; what is left to foresee is the run-out (13,500.00 payable, the holds being over).
      { day: 6, status: 'warning', breachIn: 0, runOutIn: 1, fingerprints: ['balance_below_reserve:eur', 'balance_runout_projected:eur', 'balance_warning:eur'] },
    ]);
    const [runout] = (await alertOf('balance_runout_projected:eur')).filter((a) => a.status === 'OPEN');
    const [belowReserve] = (await alertOf('balance_below_reserve:eur')).filter((a) => a.status === 'OPEN');
    expect(belowReserve!.openedAt.getTime() - runout!.openedAt.getTime()).toBeGreaterThanOrEqual(5 * DAY * 1000 - 60_000);
    expect(runout).toMatchObject({ status: 'OPEN', occurrences: 6 });
    const subject = /^Platform balance \(EUR\) projected unable to cover what is payable on \d{4}-\d{2}-\d{2}: €14,000\.00 available, -€([\d,]+\.\d\d) a day$/.exec(runout!.subject);
    expect(subject, runout!.subject).not.toBeNull();
    // −6,000.00 a day, as above: a day a second longer or shorter (a loaded machine) makes it −5,999.93 or −6,000.07.
    expect(Math.abs(Number(subject![1]!.replace(',', '')) - 6000)).toBeLessThan(1);
    const runoutMessages = (await messagesOf('alert.balance_runout_projected')).filter((m) => m.payload.alertId === String(runout!.id));
    expect(runoutMessages).toHaveLength(1);
    const [runoutMessage] = runoutMessages;
    expect(runoutMessage!.payload).toMatchObject({ amount: '4400000', reserveBreachInDays: 5, requiredReserve: '1620000', trendDirection: 'decreasing' });
    const email = await renderMessage('alert.balance_runout_projected', runoutMessage!.payload, { appUrl: 'https://payouts.example.com', locale: 'en', recipient: { name: 'Admin', role: 'ADMIN' }, unsubscribeUrl: null });
    expect(email.subject).toBe('[WARNING] Platform balance may fall below the reserve in 5 days');
    expect(await snapshotCount('daily')).toBe(dailyBefore + 7);

    // Funds added: the trend turns up, nothing is projected, every balance alert clears.
    t.clock.advance(6 * HOUR);
    await setAvailable(6_000_000);
    const recovered = await checkNow();
    expect(recovered.data).toMatchObject({ balanceStatus: { thresholdStatus: 'healthy' }, trend: { direction: 'increasing' }, projection: { reserveBreachDate: null, runOutDate: null }, alertsResolved: 3 });
    expect(await alertOf('balance_runout_projected:eur')).toMatchObject([
      { status: 'RESOLVED' },
      { id: runout!.id, status: 'RESOLVED', resolvedBy: 'system', resolutionNote: 'Cleared: the balance is not projected to fall below the reserve or to run short of what is payable within the alert window' },
    ]);
  });

  it('GET /api/admin/balance: the latest status per currency and the snapshot history for charts', async () => {
    const all = await t.app.inject({ method: 'GET', url: '/api/admin/balance?days=30', headers: who.headers.admin });
    expect(all.statusCode).toBe(200);
    const body = all.json();
    const stored = await t.database.db.select().from(platformBalanceSnapshots).orderBy(asc(platformBalanceSnapshots.takenAt));
    expect(body).toMatchObject({ defaultCurrency: 'eur', days: 30 });
    expect(body.currencies).toHaveLength(1);
    expect(body.currencies[0]).toMatchObject({
      currency: 'eur',
      snapshotId: String(stored.at(-1)!.id),
      trigger: 'on_demand',
      balanceStatus: { thresholdStatus: 'healthy', availableBalance: 6_000_000, pendingObligations: 1_350_000, requiredReserve: 1_620_000, availableForPayouts: 4_380_000, isHealthy: true },
      trend: { direction: 'increasing' },
      projection: { horizonDays: 90, reserveBreachDate: null, runOutDate: null },
      metadata: { creatorsWithUnpaidEarnings: 2, creatorsWithoutPayoutAccount: 1 },
      openAlerts: [],
    });
    // What the status was judged against: the configured thresholds, and the reserve's half and 80 % (€16,200.00 → €8,100.00, €12,960.00).
    expect(body.currencies[0].thresholds).toEqual({
      comparedWith: 'availableBalance',
      critical: t.config.balanceThresholds.criticalMinor,
      warning: t.config.balanceThresholds.warningMinor,
      healthy: t.config.balanceThresholds.healthyMinor,
      reservePercent: 120,
      criticalReserve: 810_000,
      warningReserve: 1_296_000,
    });
    expect(body.history.map((p: { takenAt: string }) => p.takenAt)).toEqual(stored.map((s) => s.takenAt.toISOString()));
    expect(body.history[0]).toEqual({ currency: 'eur', takenAt: stored[0]!.takenAt.toISOString(), trigger: 'on_demand', thresholdStatus: 'healthy', availableBalance: 3_000_000, pendingBalance: 500_000, pendingObligations: 1_350_000, requiredReserve: 1_620_000 });

    const lastDay = (await t.app.inject({ method: 'GET', url: '/api/admin/balance?days=1&currency=EUR', headers: who.headers.admin })).json();
    const dayAgo = t.clock.now().getTime() - DAY * 1000;
    expect(lastDay.history.map((p: { takenAt: string }) => p.takenAt)).toEqual(stored.filter((s) => s.takenAt.getTime() >= dayAgo).map((s) => s.takenAt.toISOString()));
    expect(lastDay.history.length).toBeLessThan(stored.length);

    expect((await t.app.inject({ method: 'GET', url: '/api/admin/balance?currency=usd', headers: who.headers.admin })).json()).toMatchObject({ currencies: [], history: [] });
    const unknown = await t.app.inject({ method: 'GET', url: '/api/admin/balance?currency=xyz', headers: who.headers.admin });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([400, 'UNKNOWN_CURRENCY']);
    const tooLong = await t.app.inject({ method: 'GET', url: '/api/admin/balance?days=400', headers: who.headers.admin });
    expect(tooLong.statusCode).toBe(400);
  });

  it('each currency on its own: a JPY obligation is judged against its reserve, with alerts of its own', async () => {
    await pay(who.creator.creatorId, 1999, { currency: 'jpy' });
    const report = await checkNow();
    expect(report.data.currencies.map((c: { currency: string }) => c.currency)).toEqual(['eur', 'jpy']);
    expect(report.data.balanceStatus).toMatchObject({ currency: 'eur', thresholdStatus: 'healthy' });
    // ¥1,999 at Stripe, ¥1,799 owed, reserve ¥2,159: not healthy; the absolute thresholds are the platform currency's.
    expect(report.data.currencies[1].balanceStatus).toMatchObject({ currency: 'jpy', thresholdStatus: 'warning', reasons: ['below_reserve'], availableBalance: 1999, pendingObligations: 1799, requiredReserve: 2159 });
    const open = (await balanceAlerts()).filter((a) => a.status === 'OPEN');
    expect(open.map((a) => a.fingerprint).sort()).toEqual(['balance_below_reserve:jpy', 'balance_warning:jpy']);
    expect(open.find((a) => a.type === 'balance_below_reserve')!.subject).toBe('Platform balance ¥1,999 below the reserve of ¥2,159 (JPY): ¥160 short');
    const overview = (await t.app.inject({ method: 'GET', url: '/api/admin/balance', headers: who.headers.admin })).json();
    expect(overview.currencies.map((c: { currency: string; openAlerts: unknown[] }) => [c.currency, c.openAlerts.length])).toEqual([
      ['eur', 0],
      ['jpy', 2],
    ]);
    // Each alert's headline is in the reader's language (the web app sends its pages' language).
    const french = (await t.app.inject({ method: 'GET', url: '/api/admin/balance?currency=jpy', headers: { ...who.headers.admin, 'accept-language': 'fr' } })).json();
    expect(french.currencies[0].openAlerts.find((a: { type: string }) => a.type === 'balance_below_reserve')).toMatchObject({
      subject: 'Platform balance ¥1,999 below the reserve of ¥2,159 (JPY): ¥160 short',
      headline: expect.stringMatching(/^Solde de la plateforme de 1\s999\sJPY sous la réserve de 2\s159\sJPY$/),
    });
    // JPY has no absolute thresholds; its reserve's half and 80 % round up to whole yen (¥2,159 → ¥1,080, ¥1,728), the least amounts that are not below them.
    expect(overview.currencies[1].thresholds).toEqual({ comparedWith: 'availableBalance', critical: null, warning: null, healthy: null, reservePercent: 120, criticalReserve: 1080, warningReserve: 1728 });
    expect(await t.database.db.select().from(alerts).where(and(like(alerts.type, 'balance_%'), eq(alerts.status, 'OPEN')))).toHaveLength(2);
  });
});
