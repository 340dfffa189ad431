import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutModeFixtures } from '../../../test/payout-mode-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { payments } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { setDisputeRequested } from '../payments/set-dispute-requested.js';
import { createPayout } from './create-payout.js';
import { retryPayouts } from './retry-payouts.js';
import { runAutomaticPayouts } from './run-automatic-payouts.js';

let t: TestApp;
let who: TestPrincipals;
const f = payoutModeFixtures(() => t);
const context = (): ServiceContext => ({ config: t.config, clock: t.clock, stripe: t.stripe });

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { PAYOUT_MODE: 'manual' } });
  who = await createPrincipals(t);
  await f.fundPlatform();
});
afterAll(async () => {
  expect(t.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const cron = (job: string) => t.app.inject({ method: 'POST', url: `/api/cron/${job}`, headers: who.headers.cron });

describe(`automatic payouts (seed 004) on ${testDatabaseKind}`, () => {
  it('does nothing while no creator is in automatic mode', async () => {
    const manual = await f.connectedCreator({ payoutMode: null });
    await f.readyPayments(manual.creatorId, [7000n]);
    const reply = await cron('automatic-payouts');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ success: true, job: 'automatic-payouts', message: 'No creator is in automatic mode', updatedCount: 0, enabled: false, created: 0 });
    expect(reply.json().duration).toMatch(/^\d+ms$/);
    expect(await f.payoutsOf(manual.creatorId)).toEqual([]);
  });

  it('transfers each READY payment of an automatic creator on its own, then waits for the bank payout', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const manual = await f.connectedCreator({ payoutMode: 'manual' });
    const [first, second, onHold] = await f.readyPayments(auto.creatorId, [7000n, 10050n, 5000n]);
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: true, actor: 'user:admin' }, t));
    await f.readyPayments(manual.creatorId, [8000n]);

    const reply = await cron('automatic-payouts');
    expect(reply.statusCode).toBe(200);
    const report = reply.json();
    expect(report).toMatchObject({ success: true, enabled: true, created: 2, updatedCount: 2, attempted: 2, processing: 2, failed: 0, errors: [] });

    const made = await f.payoutsOf(auto.creatorId);
    expect(made.map((p) => [p.origin, p.amount, p.status, p.requestedBy, p.awaitsBankPayout])).toEqual([
      ['automatic', 6300n, 'PROCESSING', 'system:automatic-payouts', true],
      ['automatic', 9045n, 'PROCESSING', 'system:automatic-payouts', true],
    ]);
    for (const [payout, paymentId] of [[made[0]!, first!], [made[1]!, second!]] as const) {
      expect((await f.allocationsOf(paymentId)).map((a) => [a.payoutId, a.amount, a.releasedAt])).toEqual([[payout.id, payout.amount, null]]);
      const transfers = await f.transfersFor(payout.id);
      expect(transfers.map((tr) => [tr.amount, tr.destination])).toEqual([[Number(payout.amount), auto.stripeAccountId]]);
      expect(payout.stripeTransferId).toBe(transfers[0]!.id);
      // Seed 004: the connected account pays out manually, so the service made the bank payout; payout.paid finishes it.
      expect((await f.bankPayoutsFor(auto.stripeAccountId!, payout.id)).map((b) => b.amount)).toEqual([Number(payout.amount)]);
      expect(payout.stripeBankPayoutId).not.toBeNull();
      expect((await f.payment(paymentId)).status).toBe('PROCESSING');
    }
    expect((await f.payment(onHold!)).status).toBe('READY');
    expect(await f.allocationsOf(onHold!)).toEqual([]);
    expect(await f.payoutsOf(manual.creatorId)).toEqual([]);
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 4500n, reserved: 0n, paid: 6300n + 9045n });

    // Every transition is in the audit trail, newest first.
    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=payout&subjectId=${made[0]!.id}`, headers: who.headers.admin });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().data.map((e: Record<string, unknown>) => [e.action, e.fromStatus, e.toStatus, e.amount, e.actor])).toEqual([
      ['payout.bank_payout_created', 'PROCESSING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.transferred', 'PROCESSING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.processing', 'PENDING', 'PROCESSING', 6300, 'system:automatic-payouts'],
      ['payout.created', null, 'PENDING', 6300, 'system:automatic-payouts'],
    ]);

    // A second run finds nothing left to transfer; the payment on hold goes once the admin clears it.
    expect((await cron('automatic-payouts')).json()).toMatchObject({ created: 0, attempted: 0, message: 'No payments to transfer' });
    await t.database.db.transaction((tx) => setDisputeRequested(tx, { paymentId: onHold!, disputeRequested: false, actor: 'user:admin' }, t));
    expect((await cron('automatic-payouts')).json()).toMatchObject({ created: 1, processing: 1 });
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 0n, reserved: 0n, paid: 6300n + 9045n + 4500n });
    await f.expectBooksBalance();
  });

  it('follows the platform mode unless the creator overrides it', async () => {
    const inherits = await f.connectedCreator({ payoutMode: null });
    const optedOut = await f.connectedCreator({ payoutMode: 'manual' });
    await f.readyPayments(inherits.creatorId, [2000n]);
    await f.readyPayments(optedOut.creatorId, [2000n]);
    const automaticPlatform = { ...context(), config: { ...t.config, payoutMode: 'automatic' as const } };
    const result = await runAutomaticPayouts(t.database.db, automaticPlatform);
    expect(result.createdPayoutIds).toHaveLength(1 + 1); // the one of the first test's manual creator too (no override)
    expect((await f.payoutsOf(inherits.creatorId)).map((p) => p.amount)).toEqual([1800n]);
    expect(await f.payoutsOf(optedOut.creatorId)).toEqual([]);
    await f.expectBooksBalance();
  });

  it('two runs at once make one payout per payment and one transfer per payout', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const paymentIds = await f.readyPayments(auto.creatorId, [1000n, 2000n, 3000n, 4000n, 5000n, 6000n]);
    const [a, b] = await Promise.all([runAutomaticPayouts(t.database.db, context()), runAutomaticPayouts(t.database.db, context())]);
    expect(a.created + b.created).toBe(6);
    expect(a.errors.concat(b.errors)).toEqual([]);
    for (const paymentId of paymentIds) expect(await f.allocationsOf(paymentId)).toHaveLength(1);
    const made = await f.payoutsOf(auto.creatorId);
    expect(made).toHaveLength(6);
    for (const payout of made) {
      expect(payout.status).toBe('PROCESSING');
      expect(await f.transfersFor(payout.id)).toHaveLength(1);
    }
    await f.expectBooksBalance();
  });

  it('processes a payout an earlier run made but did not get to (a crash), and waits for an account that cannot receive payouts', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const [paymentId] = await f.readyPayments(auto.creatorId, [3000n]);
    // The state a crash right after the payout's commit leaves behind.
    const { payout } = await t.database.db.transaction((tx) =>
      createPayout(tx, { creatorId: auto.creatorId, amount: 2700n, currency: 'eur', origin: 'automatic', status: 'PENDING', actor: 'system:automatic-payouts', paymentIds: [paymentId!] }, t),
    );
    const notConnected = await f.connectedCreator({ payoutMode: 'automatic', connected: false });
    await f.readyPayments(notConnected.creatorId, [3000n]);

    const result = await runAutomaticPayouts(t.database.db, context());
    expect(result).toMatchObject({ created: 0, attempted: 1, processing: 1, processedPayoutIds: [payout.id] });
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    // The creator without a connected account gets no payout (nothing reserved for nobody).
    expect(await f.payoutsOf(notConnected.creatorId)).toEqual([]);
    await f.expectBooksBalance();
  });

  it('retries a failed transfer 3 times with backoff, then fails it, returns the money and alerts the admins', async () => {
    const auto = await f.connectedCreator({ payoutMode: 'automatic' });
    const [paymentId] = await f.readyPayments(auto.creatorId, [5000n]);
    await t.testSandbox!.control('POST', '/_sandbox/failures', {
      method: 'POST',
      path: '/v1/transfers',
      error: { status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' },
      times: 4,
    });
    const first = await runAutomaticPayouts(t.database.db, context());
    expect(first).toMatchObject({ created: 1, retryScheduled: 1 });
    const [payout] = await f.payoutsOf(auto.creatorId);
    expect(payout).toMatchObject({ status: 'PROCESSING', failedAttempts: 1, lastErrorCode: 'balance_insufficient' });

    for (const [minutes, expected] of [[5, 'retryScheduled'], [10, 'retryScheduled'], [20, 'failed']] as const) {
      t.clock.advance(minutes * 60 + 1);
      const swept = await retryPayouts(t.database.db, context(), { actor: 'system:retry-payouts' });
      expect(swept).toMatchObject({ claimed: 1, [expected]: 1 });
    }
    const [failed] = await f.payoutsOf(auto.creatorId);
    expect(failed).toMatchObject({ status: 'FAILED', failedAttempts: 4, lastErrorCode: 'balance_insufficient', stripeTransferId: null });
    expect(await f.transfersFor(failed!.id)).toEqual([]);
    expect(await f.creatorBalances(auto.creatorId)).toEqual({ available: 4500n, reserved: 0n, paid: 0n });
    expect((await f.payment(paymentId!)).status).toBe('READY');
    const alerts = (await f.outbox('alert.payout_retries_exhausted')).filter((m) => m.payload.payoutId === failed!.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ recipient: 'admins', payload: { origin: 'automatic', code: 'balance_insufficient' } });
    expect((await f.outbox('payout.failed')).filter((m) => m.payload.payoutId === failed!.id)).toHaveLength(1);

    // Who, when, from, to, amount, reason — for every step.
    const audit = (await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=payout&subjectId=${failed!.id}&limit=50`, headers: who.headers.admin })).json().data;
    expect(audit.map((e: Record<string, unknown>) => [e.action, e.fromStatus, e.toStatus, e.amount])).toEqual([
      ['payout.failed', 'PROCESSING', 'FAILED', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.retry_scheduled', 'PROCESSING', 'PROCESSING', 4500],
      ['payout.processing', 'PENDING', 'PROCESSING', 4500],
      ['payout.created', null, 'PENDING', 4500],
    ]);
    expect(audit[0]).toMatchObject({ actor: 'system:retry-payouts', reason: expect.stringMatching(/^balance_insufficient: /), currency: 'eur', metadata: { exhausted: true } });
    expect(audit.every((e: { createdAt: string }) => !Number.isNaN(Date.parse(e.createdAt)))).toBe(true);

    // Seed 004: "transfer fails 3x → admin alert, manual intervention": not transferred automatically again.
    const again = await runAutomaticPayouts(t.database.db, context());
    expect(again).toMatchObject({ created: 0, attempted: 0 });
    expect(await f.payoutsOf(auto.creatorId)).toHaveLength(1);
    const [row] = await t.database.db.select().from(payments).where(eq(payments.id, paymentId!));
    expect(row).toMatchObject({ status: 'READY', allocatedAmount: 0n });
    await f.expectBooksBalance();
  });
});
