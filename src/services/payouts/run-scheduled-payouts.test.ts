import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutModeFixtures } from '../../../test/payout-mode-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import type { ServiceContext } from '../context.js';
import { setDisputeRequested } from '../payments/set-dispute-requested.js';
import { runScheduledPayouts } from './run-scheduled-payouts.js';

let t: TestApp;
let who: TestPrincipals;
const f = payoutModeFixtures(() => t);
const context = (): ServiceContext => ({ config: t.config, clock: t.clock, stripe: t.stripe });

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { PAYOUT_MODE: 'manual', PAYOUT_SCHEDULE: 'weekly', MIN_PAYOUT_AMOUNT_CENTS: '100' } });
  who = await createPrincipals(t);
  await f.fundPlatform();
  await f.fundPlatform(10_000_000, 'jpy');
});
afterAll(async () => {
  expect(t.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const DAY = 86_400_000;

/** Move the shared clock (service and sandbox) to the next `weekday` (0 = Sunday) at `hh:mm` UTC, strictly after now. */
function advanceToNext(matches: (d: Date) => boolean, hours: number, minutes: number): Date {
  const now = t.clock.now();
  for (let day = 0; day <= 62; day++) {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + day * DAY;
    const target = new Date(midnight + (hours * 60 + minutes) * 60_000);
    if (target.getTime() > now.getTime() + 1000 && matches(target)) return t.clock.advance((target.getTime() - now.getTime()) / 1000);
  }
  throw new Error('no such day within two months');
}
const nextMonday = () => advanceToNext((d) => d.getUTCDay() === 1, 0, 10);
const nextThursday = () => advanceToNext((d) => d.getUTCDay() === 4, 12, 0);
const nextFirstOfMonth = () => advanceToNext((d) => d.getUTCDate() === 1, 0, 10);

const cron = (job: string) => t.app.inject({ method: 'POST', url: `/api/cron/${job}`, headers: who.headers.cron });

describe(`scheduled payouts on ${testDatabaseKind}`, () => {
  it('does nothing while no creator is in scheduled mode', async () => {
    const manual = await f.connectedCreator({ payoutMode: 'manual' });
    await f.readyPayments(manual.creatorId, [7000n]);
    const reply = await cron('scheduled-payouts');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ success: true, job: 'scheduled-payouts', message: 'No creator is in scheduled mode', updatedCount: 0, enabled: false });
  });

  it('pays the whole available balance, per currency, on Monday and only once in the week', async () => {
    const weekly = await f.connectedCreator({ payoutMode: 'scheduled' });
    const [, , onHold] = await f.readyPayments(weekly.creatorId, [7000n, 10050n, 4000n]);
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: true, actor: 'user:admin' }, t));
    await f.readyPayments(weekly.creatorId, [1999n], 'jpy');
    const small = await f.connectedCreator({ payoutMode: 'scheduled' });
    await f.readyPayments(small.creatorId, [100n]); // a share of 0.90, under the 1.00 minimum

    nextThursday();
    const thursday = await runScheduledPayouts(t.database.db, context());
    expect(thursday).toMatchObject({ enabled: true, created: 0, attempted: 0 });
    expect(thursday.notDue).toBeGreaterThanOrEqual(2);

    nextMonday();
    const monday = (await cron('scheduled-payouts')).json();
    expect(monday).toMatchObject({ success: true, created: 2, updatedCount: 2, attempted: 2, paid: 2, failed: 0, errors: [] });
    expect(monday.skipped).toContainEqual({ creatorId: small.creatorId, currency: 'eur', reason: 'below_minimum' });
    const made = await f.payoutsOf(weekly.creatorId);
    expect(made.map((p) => [p.origin, p.currency, p.amount, p.status, p.requestedBy]).sort()).toEqual([
      ['scheduled', 'eur', 6300n + 9045n, 'PAID', 'system:scheduled-payouts'],
      ['scheduled', 'jpy', 1799n, 'PAID', 'system:scheduled-payouts'],
    ]);
    for (const payout of made) {
      expect((await f.transfersFor(payout.id)).map((tr) => [tr.amount, tr.currency, tr.destination])).toEqual([[Number(payout.amount), payout.currency, weekly.stripeAccountId]]);
      expect(payout.awaitsBankPayout).toBe(false);
    }
    // The payment an admin holds stays behind; the rest is paid.
    expect(await f.creatorBalances(weekly.creatorId)).toEqual({ available: 3600n, reserved: 0n, paid: 15345n });
    expect(await f.creatorBalances(weekly.creatorId, 'jpy')).toEqual({ available: 0n, reserved: 0n, paid: 1799n });
    expect((await f.outbox('payout.scheduled')).filter((m) => m.payload.payoutId === made[0]!.id)).toHaveLength(1);
    expect(await f.payoutsOf(small.creatorId)).toEqual([]);

    // Idempotent per period: again the same day, and on Tuesday with new money, nothing more.
    const again = await runScheduledPayouts(t.database.db, context());
    expect(again.created).toBe(0);
    t.clock.advance(86_400);
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: false, actor: 'user:admin' }, t));
    await f.readyPayments(weekly.creatorId, [2000n]);
    const tuesday = await runScheduledPayouts(t.database.db, context());
    expect(tuesday.created).toBe(0);
    expect(tuesday.skipped).toContainEqual({ creatorId: weekly.creatorId, currency: 'eur', reason: 'already_paid_this_period' });
    expect(await f.payoutsOf(weekly.creatorId)).toHaveLength(2);

    // The next Monday takes what came since.
    nextMonday();
    const following = await runScheduledPayouts(t.database.db, context());
    expect(following.createdPayoutIds).toHaveLength(1);
    const latest = (await f.payoutsOf(weekly.creatorId)).at(-1)!;
    expect(latest).toMatchObject({ origin: 'scheduled', amount: 3600n + 1800n, status: 'PAID' });
    expect(latest.notes).toMatch(/^Scheduled weekly payout \(weekly:\d{4}-\d{2}-\d{2}\)$/);
    expect(await f.creatorBalances(weekly.creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 15345n + 5400n });
    await f.expectBooksBalance();
    await f.expectBooksBalance('jpy');
  });

  it('two runs at once on the payout day make one payout', async () => {
    const weekly = await f.connectedCreator({ payoutMode: 'scheduled' });
    await f.readyPayments(weekly.creatorId, [5000n, 6000n]);
    nextMonday();
    const [a, b] = await Promise.all([runScheduledPayouts(t.database.db, context()), runScheduledPayouts(t.database.db, context())]);
    expect(a.errors.concat(b.errors)).toEqual([]);
    const made = await f.payoutsOf(weekly.creatorId);
    expect(made.map((p) => [p.amount, p.status])).toEqual([[9900n, 'PAID']]);
    expect(await f.transfersFor(made[0]!.id)).toHaveLength(1);
    await f.expectBooksBalance();
  });

  it('pays a monthly creator on the 1st, and follows the platform mode unless overridden', async () => {
    const monthly = await f.connectedCreator({ payoutMode: 'scheduled', payoutSchedule: 'monthly' });
    const inherits = await f.connectedCreator({ payoutMode: null, payoutSchedule: 'monthly' });
    await f.readyPayments(monthly.creatorId, [3000n]);
    await f.readyPayments(inherits.creatorId, [3000n]);
    nextFirstOfMonth();
    const scheduledPlatform = { ...context(), config: { ...t.config, payoutMode: 'scheduled' as const } };
    await runScheduledPayouts(t.database.db, context());
    expect((await f.payoutsOf(monthly.creatorId)).map((p) => [p.amount, p.status])).toEqual([[2700n, 'PAID']]);
    expect(await f.payoutsOf(inherits.creatorId)).toEqual([]); // the platform is in manual mode
    await runScheduledPayouts(t.database.db, scheduledPlatform);
    expect((await f.payoutsOf(inherits.creatorId)).map((p) => [p.amount, p.status])).toEqual([[2700n, 'PAID']]);
    expect((await f.payoutsOf(monthly.creatorId))).toHaveLength(1);
    await f.expectBooksBalance();
  });
});
