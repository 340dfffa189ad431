import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { insertCreator } from '../../../test/fixtures.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';
import { createPayout } from '../../services/payouts/create-payout.js';
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

const recordAt = (creatorId: string, externalId: string, paidAt: Date) =>
  t.database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId, amount: 1000n, currency: 'eur', paidAt, actor: 'test' }, t));

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

  it('caps each list of GET /api/payouts/request at 20 with the true counts; GET /api/payments pages the rest in the same order', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const now = t.clock.now().getTime();
    // 23 READY (paid 30 days ago, a second apart) and 25 HELD (paid in the last hours, the newest releasing last).
    for (let i = 0; i < 23; i++) await recordAt(creatorId, `pi_cap_ready_${i}`, new Date(now - 30 * 86_400_000 + i * 1000));
    await releaseDuePayments(t.database.db, { actor: 'system:test' }, t);
    for (let i = 0; i < 25; i++) await recordAt(creatorId, `pi_cap_held_${i}`, new Date(now - (25 - i) * 3_600_000));

    const body = (await t.app.inject({ method: 'GET', url: `/api/payouts/request?creatorId=${creatorId}`, headers: who.headers.admin })).json();
    expect(body.paymentCounts).toEqual({ ready: 23, held: 25, paid: 0 });
    const externalIds = (list: Array<{ externalId: string }>) => list.map((p) => p.externalId);
    expect(externalIds(body.payments.ready)).toEqual(Array.from({ length: 20 }, (_, i) => `pi_cap_ready_${i}`)); // oldest release first
    expect(externalIds(body.payments.held)).toEqual(Array.from({ length: 20 }, (_, i) => `pi_cap_held_${i}`)); // soonest release first
    expect(body.payments.paid).toEqual([]);
    expect(body.availableBalance).toBe(23 * 900);
    expect(body.pendingBalance).toBe(25 * 900);

    const pageThrough = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/payments?creatorId=${creatorId}&${query}&limit=20${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.app.inject({ method: 'GET', url, headers: who.headers.admin })).json();
        seen.push(...externalIds(page.data));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pageThrough('status=HELD&order=release_asc')).toEqual(Array.from({ length: 25 }, (_, i) => `pi_cap_held_${i}`));
    expect(await pageThrough('status=READY&order=release_asc&currency=EUR')).toEqual(Array.from({ length: 23 }, (_, i) => `pi_cap_ready_${i}`));
    expect(await pageThrough('status=READY&currency=usd')).toEqual([]);
    expect((await pageThrough('order=updated_desc')).length).toBe(48);

    const first = (await t.app.inject({ method: 'GET', url: `/api/payments?creatorId=${creatorId}&order=release_asc&limit=1`, headers: who.headers.admin })).json();
    const mixed = await t.app.inject({ method: 'GET', url: `/api/payments?creatorId=${creatorId}&limit=1&cursor=${first.nextCursor}`, headers: who.headers.admin });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.code).toBe('INVALID_CURSOR');
  });

  it('says of each payment how much of the share is in payouts and what is left: a split payment shows its rest, and the ready rests add up to the available balance', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const now = t.clock.now().getTime();
    await recordAt(creatorId, 'pi_split_a', new Date(now - 30 * 86_400_000));
    await recordAt(creatorId, 'pi_split_b', new Date(now - 30 * 86_400_000 + 1000));
    await releaseDuePayments(t.database.db, { actor: 'system:test' }, t);
    // 900 + 900 ready; a payout of 1 200 covers the first whole and 300 of the second (both stay READY while it is PENDING).
    await t.database.db.transaction((tx) => createPayout(tx, { creatorId, amount: 1200n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, t));

    const body = (await t.app.inject({ method: 'GET', url: `/api/payouts/request?creatorId=${creatorId}`, headers: who.headers.admin })).json();
    expect(body.availableBalance).toBe(600);
    expect(body.payments.ready.map((p: { externalId: string; creatorAmount: number; allocatedAmount: number; remainingAmount: number }) => [p.externalId, p.creatorAmount, p.allocatedAmount, p.remainingAmount])).toEqual([
      ['pi_split_a', 900, 900, 0],
      ['pi_split_b', 900, 300, 600],
    ]);
    const rests = body.payments.ready.reduce((sum: number, p: { remainingAmount: number }) => sum + p.remainingAmount, 0);
    expect(rests).toBe(body.availableBalance);

    const page = (await t.app.inject({ method: 'GET', url: `/api/payments?creatorId=${creatorId}&order=release_asc`, headers: who.headers.admin })).json();
    expect(page.data.map((p: { externalId: string; status: string; allocatedAmount: number; remainingAmount: number }) => [p.externalId, p.status, p.allocatedAmount, p.remainingAmount])).toEqual([
      ['pi_split_a', 'READY', 900, 0],
      ['pi_split_b', 'READY', 300, 600],
    ]);
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
      env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), CRON_SECRET: 'prod-cron-secret-0123456789', STRIPE_SECRET_KEY: 'sk_test_production_mode', STRIPE_WEBHOOK_SECRET: 'whsec_production_mode' },
    });
    try {
      expect((await prod.app.inject({ method: 'GET', url: '/api/payouts/update-status' })).statusCode).toBe(404);
      expect((await prod.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: 1 } })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
