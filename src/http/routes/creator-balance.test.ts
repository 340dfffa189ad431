import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { verifyLedger } from '../../ledger/index.js';

let t: TestApp;
let who: TestPrincipals;
beforeAll(async () => {
  t = await createTestApp({ env: { PAYOUT_HOLDING_DAYS: '7', ENABLE_TEST_CLOCK: '1' } });
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const pay = (creatorId: string, amount: bigint, externalId: string) =>
  t.database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId, amount, currency: 'eur', paidAt: t.clock.now(), actor: 'test' }, t));

describe(`creator balance, payments and cron routes on ${testDatabaseKind}`, () => {
  it('shows held earnings with a countdown, then available ones after the release cron', async () => {
    await pay(who.creator.creatorId, 7000n, 'pi_bal_1');
    await pay(who.creator.creatorId, 10000n, 'pi_bal_2');
    await pay(who.otherCreator.creatorId, 5000n, 'pi_bal_other');

    const before = await t.app.inject({ method: 'GET', url: '/api/payouts/request', headers: who.headers.creator });
    expect(before.statusCode).toBe(200);
    const held = before.json();
    expect(held).toMatchObject({ availableBalance: 0, pendingBalance: 6300 + 9000, totalPaid: 0, currency: 'eur', stripeConnected: false, pendingPayoutRequests: [] });
    expect(held.payments.held).toHaveLength(2);
    expect(held.payments.held[0]).toMatchObject({ status: 'HELD', creatorAmount: 6300 });
    expect(held.payments.held[0].releaseInSeconds).toBeGreaterThan(7 * 86400 - 60); // counting down from 7 days
    expect(held.payments.held[0].releaseInSeconds).toBeLessThanOrEqual(7 * 86400);

    // A cron run before the hold ends releases nothing.
    const early = await t.app.inject({ method: 'POST', url: '/api/payouts/update-status', headers: who.headers.cron });
    expect(early.json()).toMatchObject({ success: true, message: 'No payments to update', updatedCount: 0 });

    const moved = await t.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: 7 * 86400 + 60 } });
    expect(moved.statusCode).toBe(200);
    const released = await t.app.inject({ method: 'POST', url: '/api/payouts/update-status', headers: who.headers.cron });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ success: true, message: 'Updated 3 payments to READY status', updatedCount: 3 });
    expect(released.json().paymentIds).toHaveLength(3);
    expect(released.json().duration).toMatch(/^\d+ms$/);
    await who.refreshTokens();

    const after = (await t.app.inject({ method: 'GET', url: '/api/payouts/request', headers: who.headers.creator })).json();
    expect(after).toMatchObject({ availableBalance: 15300, pendingBalance: 0 });
    expect(after.payments.ready.map((p: { creatorAmount: number }) => p.creatorAmount).sort()).toEqual([6300, 9000]);
    expect((await verifyLedger(t.database.db)).ok).toBe(true);
  });

  it('keeps a creator to their own data; an admin names the creator', async () => {
    const own = await t.app.inject({ method: 'GET', url: `/api/payouts/request?creatorId=${who.otherCreator.creatorId}`, headers: who.headers.creator });
    expect(own.statusCode).toBe(403);
    const list = (await t.app.inject({ method: 'GET', url: '/api/payments', headers: who.headers.creator })).json();
    expect(list.data.every((p: { creatorId: string }) => p.creatorId === who.creator.creatorId)).toBe(true);
    const otherList = await t.app.inject({ method: 'GET', url: `/api/payments?creatorId=${who.otherCreator.creatorId}`, headers: who.headers.creator });
    expect(otherList.statusCode).toBe(403);
    const admin = await t.app.inject({ method: 'GET', url: `/api/payouts/request?creatorId=${who.otherCreator.creatorId}`, headers: who.headers.admin });
    expect(admin.json()).toMatchObject({ availableBalance: 4500 });
    const noCreator = await t.app.inject({ method: 'GET', url: '/api/payouts/request', headers: who.headers.admin });
    expect(noCreator.json()).toMatchObject({ error: { code: 'CREATOR_ID_REQUIRED' } });
  });

  it('pages through payments with a cursor', async () => {
    for (let i = 0; i < 5; i++) await pay(who.creator.creatorId, 1000n + BigInt(i), `pi_page_${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/payments?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.app.inject({ method: 'GET', url, headers: who.headers.creator })).json();
      seen.push(...page.data.map((p: { id: string }) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const bad = await t.app.inject({ method: 'GET', url: '/api/payments?cursor=garbage', headers: who.headers.creator });
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
  });

  it("lets an admin stop a payment's release with disputeRequested, audited", async () => {
    const { payment } = await pay(who.creator.creatorId, 2000n, 'pi_stop');
    const stop = await t.app.inject({ method: 'PATCH', url: `/api/admin/payments/${payment.id}`, headers: who.headers.admin, payload: { disputeRequested: true, reason: 'customer complaint' } });
    expect(stop.json()).toMatchObject({ payment: { id: payment.id, disputeRequested: true } });
    await t.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: 8 * 86400 } });
    await t.app.inject({ method: 'POST', url: '/api/cron/release-holds', headers: who.headers.cron });
    await who.refreshTokens();
    const stopped = (await t.app.inject({ method: 'GET', url: '/api/payments?status=HELD', headers: who.headers.creator })).json();
    expect(stopped.data.map((p: { id: string }) => p.id)).toEqual([payment.id]);
    const asCreator = await t.app.inject({ method: 'PATCH', url: `/api/admin/payments/${payment.id}`, headers: who.headers.creator, payload: { disputeRequested: false } });
    expect(asCreator.statusCode).toBe(403);
    const missing = await t.app.inject({ method: 'PATCH', url: '/api/admin/payments/pay_nope', headers: who.headers.admin, payload: { disputeRequested: false } });
    expect(missing.json()).toMatchObject({ error: { code: 'PAYMENT_NOT_FOUND' } });
  });

  it('guards the cron endpoints and names unknown jobs', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/payouts/update-status' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/payouts/update-status', headers: who.headers.creator })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/payouts/update-status', headers: { authorization: 'Bearer wrong-secret-wrong-secret' } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/payouts/update-status' })).statusCode).toBe(200); // not production
    const unknown = await t.app.inject({ method: 'POST', url: '/api/cron/nope', headers: who.headers.cron });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_JOB' } });
  });
});

describe('in production', () => {
  it('has no unauthenticated GET update-status and no test clock', async () => {
    const prod = await createTestApp({
      env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), CRON_SECRET: 'prod-cron-secret-0123456789' },
    });
    try {
      expect((await prod.app.inject({ method: 'GET', url: '/api/payouts/update-status' })).statusCode).toBe(404);
      expect((await prod.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: 1 } })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
