import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';
import { createPayout } from '../../services/payouts/create-payout.js';
import { cancelPayout, lockPayout } from '../../services/payouts/payout-lifecycle.js';

let t: TestApp;
let who: TestPrincipals;
let creatorId: string;
let payoutId: string;

beforeAll(async () => {
  t = await createTestApp();
  who = await createPrincipals(t);
  ({ creatorId } = await insertCreator(t.database.db));
  for (const i of [1, 2, 3]) {
    await t.database.db.transaction((tx) =>
      recordPayment(tx, { creatorId, externalId: `pi_audit_${i}`, amount: 10_000n, currency: 'eur', paidAt: new Date(t.clock.now().getTime() - 30 * 86_400_000), actor: 'stripe' }, t),
    );
  }
  await releaseDuePayments(t.database.db, { actor: 'system:release-holds' }, t);
  const { payout } = await t.database.db.transaction((tx) =>
    createPayout(tx, { creatorId, amount: 12_345n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:usr_audit' }, t),
  );
  payoutId = payout.id;
  await t.database.db.transaction(async (tx) => cancelPayout(tx, await lockPayout(tx, payoutId), { actor: 'api_key:key_admin', reason: 'duplicate request', reviewed: true }, t.clock.now()));
});
afterAll(async () => {
  await t?.close();
});

const audit = (query: string, headers = who.headers.admin) => t.app.inject({ method: 'GET', url: `/api/admin/audit${query}`, headers });

describe(`GET /api/admin/audit on ${testDatabaseKind}`, () => {
  it("shows a payout's history, newest first, with who, when, from, to, amount and reason", async () => {
    const reply = await audit(`?subjectType=payout&subjectId=${payoutId}`);
    expect(reply.statusCode).toBe(200);
    const { data, nextCursor } = reply.json();
    expect(nextCursor).toBeNull();
    expect(data).toMatchObject([
      { action: 'payout.rejected', actor: 'api_key:key_admin', subjectType: 'payout', subjectId: payoutId, fromStatus: 'PENDING', toStatus: 'CANCELLED', amount: 12345, currency: 'eur', reason: 'duplicate request' },
      { action: 'payout.created', actor: 'user:usr_audit', fromStatus: null, toStatus: 'PENDING', amount: 12345, currency: 'eur', reason: null },
    ]);
    expect(typeof data[0].id).toBe('string');
    expect(Number(data[0].id)).toBeGreaterThan(Number(data[1].id));
    expect(new Date(data[0].createdAt).toISOString()).toBe(data[0].createdAt);
    expect(data[1].metadata).toMatchObject({ origin: 'request', payments: [{ amount: '9000' }, { amount: '3345' }] });
  });

  it('filters by actor and by action, exact or by prefix', async () => {
    const byActor = (await audit(`?actor=${encodeURIComponent('user:usr_audit')}`)).json().data;
    expect(byActor.map((e: { action: string }) => e.action)).toEqual(['payout.created']);
    const released = (await audit('?action=payment.released')).json().data;
    expect(released.length).toBeGreaterThan(0);
    expect(released.every((e: { action: string; actor: string }) => e.action === 'payment.released' && e.actor === 'system:release-holds')).toBe(true);
    const payoutActions = (await audit('?action=payout.*')).json().data.map((e: { action: string }) => e.action);
    expect(payoutActions).toEqual(['payout.rejected', 'payout.created']);
    expect((await audit('?action=payout')).json().data).toEqual([]);
  });

  it('pages with an opaque cursor and refuses a forged one', async () => {
    const all = (await audit('?limit=200')).json().data.map((e: { id: string }) => e.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = (await audit(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const forged = await audit('?cursor=bm90LWEtY3Vyc29y');
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('INVALID_CURSOR');
    expect((await audit('?subjectType=nonsense')).statusCode).toBe(400);
    expect((await audit('?limit=0')).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    expect((await audit('', who.headers.creator)).statusCode).toBe(403);
    expect((await audit('', who.headers.platform)).statusCode).toBe(403);
    expect((await audit('', {})).statusCode).toBe(401);
  });
});
