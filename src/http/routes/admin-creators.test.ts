import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { payoutSagaFixtures } from '../../../test/payout-saga-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { applyRefund } from '../../services/refunds/apply-refund.js';
import { openDispute } from '../../services/refunds/disputes.js';

/** `GET /api/admin/creators` and `GET /api/admin/creators/:id` (the approval queue's context panel) over app.inject, on real data. */
let t: TestApp;
let who: TestPrincipals;
const f = payoutSagaFixtures(() => t);
const tag = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  t = await createTestApp({ sandbox: true });
  who = await createPrincipals(t);
  await f.fundPlatform();
});
afterAll(async () => {
  await t?.close();
});

const asAdmin = (url: string) => t.app.inject({ method: 'GET', url, headers: who.headers.admin });
const pay = (creatorId: string, amount: bigint, externalId: string) =>
  t.database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId, amount, currency: 'eur', paidAt: t.clock.now(), actor: 'stripe' }, t));

interface CreatorRow {
  userId: string;
  creatorId: string;
  name: string;
  email: string;
  stripeAccountId: string | null;
  stripeDashboardUrl: string | null;
  onboarding: { state: string };
  currency: string;
  balances: Record<string, number>;
}

describe(`admin creators on ${testDatabaseKind}`, () => {
  it('lists creators with both ids, onboarding state and ledger balances; searches by name, email and every id', async () => {
    const connected = await f.connectedCreator();
    // 100.00 held (7-day default hold), and 90.00 reserved by a pending payout over a READY payment.
    await pay(connected.creatorId, 10_000n, `pi_${tag}_held`);
    await f.pendingPayout(connected.creatorId, { payments: [10_000n] });
    const plain = await insertCreator(t.database.db, { name: `Zoë 100%_${tag}`, email: `Zoe.${tag}@Example.test` });

    const all = await asAdmin('/api/admin/creators?limit=200');
    expect(all.statusCode).toBe(200);
    const rows = all.json().data as CreatorRow[];
    const row = rows.find((r) => r.creatorId === connected.creatorId)!;
    expect(row).toMatchObject({
      userId: connected.userId,
      stripeAccountId: connected.stripeAccountId,
      stripeDashboardUrl: null, // the local sandbox has no dashboard
      onboarding: { state: 'complete', payoutsEnabled: true, detailsSubmitted: true, requirementsDue: [] },
      currency: 'eur',
      balances: { available: 0, held: 9_000, reserved: 9_000, frozen: 0, paid: 0, debt: 0 },
    });
    expect(rows.find((r) => r.creatorId === plain.creatorId)).toMatchObject({ userId: plain.userId, stripeAccountId: null, onboarding: { state: 'no_account' } });

    const search = async (text: string) => ((await asAdmin(`/api/admin/creators?search=${encodeURIComponent(text)}`)).json().data as CreatorRow[]).map((r) => r.creatorId);
    expect(await search(`zoë 100%_${tag}`)).toEqual([plain.creatorId]); // any case; % and _ taken literally
    expect(await search(`zoe.${tag.toUpperCase()}@example`)).toEqual([plain.creatorId]);
    expect(await search('100%_')).toContain(plain.creatorId);
    expect(await search('1000%')).toEqual([]);
    expect(await search(plain.userId)).toEqual([plain.creatorId]);
    expect(await search(plain.creatorId)).toEqual([plain.creatorId]);
    expect(await search(connected.stripeAccountId!)).toEqual([connected.creatorId]);
    expect(await search(connected.stripeAccountId!.slice(0, -1))).toEqual([]); // ids match whole
  });

  it('pages newest first with a cursor, and refuses a cursor it did not make', async () => {
    for (let i = 0; i < 3; i++) await insertCreator(t.database.db, { name: `Pager ${tag} ${i}`, createdAt: new Date(Date.UTC(2026, 0, 2 + i)) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: CreatorRow[]; nextCursor: string | null } = (await asAdmin(`/api/admin/creators?search=${encodeURIComponent(`Pager ${tag}`)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.data.map((r) => r.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([2, 1, 0].map((i) => `Pager ${tag} ${i}`));
    const bad = await asAdmin('/api/admin/creators?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
  });

  it("GET /api/admin/creators/:id: the approval queue's context panel", async () => {
    const { creatorId, userId, stripeAccountId } = await f.connectedCreator();
    const paidOut = await f.pendingPayout(creatorId, { payments: [20_000n] });
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/payouts', headers: who.headers.admin, payload: { payoutId: paidOut.id } })).json().outcome).toBe('paid');
    const waiting = await f.pendingPayout(creatorId, { payments: [10_000n], status: 'PENDING_APPROVAL', approvalReason: 'Amount exceeds 5000.00' });
    const { payment: refunded } = await pay(creatorId, 5_000n, `pi_${tag}_refunded`);
    const { payment: disputed } = await pay(creatorId, 3_000n, `pi_${tag}_disputed`);
    await t.database.db.transaction((tx) =>
      applyRefund(tx, { paymentId: refunded.id, stripeRefund: { id: `re_${tag}`, amount: 2_000n, currency: 'eur' }, source: 'admin', actor: 'test', reason: 'customer asked' }, t),
    );
    await t.database.db.transaction((tx) => openDispute(tx, { paymentId: disputed.id, dispute: { id: `dp_${tag}`, amount: 3_000n, currency: 'eur', reason: 'fraudulent' }, actor: 'stripe' }, t));

    const reply = await asAdmin(`/api/admin/creators/${creatorId}`);
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({
      userId,
      creatorId,
      stripeAccountId,
      accountAgeDays: expect.any(Number),
      onboarding: { state: 'complete' },
      currency: 'eur',
      // Held: 45.00 − 18.00 refunded (the refund takes the creator's 90 %) + 27.00 under dispute moved to frozen.
      balances: { available: 0, held: 2_700, reserved: 9_000, frozen: 2_700, paid: 18_000, debt: 0 },
      // Every payment stands (one partly refunded, one disputed): 200 + 100 + 50 + 30.
      lifetimeEarnings: { paymentCount: 4, grossAmount: 38_000, feeAmount: 3_800, netAmount: 34_200 },
      refunds: { count: 1, amount: 2_000, recent: [{ id: `re_${tag}`, paymentId: refunded.id, amount: 2_000, creatorPart: 1_800, toDebt: 0, source: 'admin', reason: 'customer asked' }] },
      disputes: { count: 1, amount: 3_000, open: 1, lost: 0, recent: [{ id: `dp_${tag}`, paymentId: disputed.id, amount: 3_000, creatorPart: 2_700, status: 'open', reason: 'fraudulent', closedAt: null }] },
    });
    expect(body.payouts.byStatus).toEqual({
      PENDING_APPROVAL: { count: 1, amount: 9_000 },
      PENDING: { count: 0, amount: 0 },
      PROCESSING: { count: 0, amount: 0 },
      PAID: { count: 1, amount: 18_000 },
      FAILED: { count: 0, amount: 0 },
      CANCELLED: { count: 0, amount: 0 },
    });
    expect(body.payouts.recent.map((p: { id: string; status: string }) => [p.id, p.status])).toEqual([
      [waiting.id, 'PENDING_APPROVAL'],
      [paidOut.id, 'PAID'],
    ]);
    expect(body.payouts.recent[0]).toMatchObject({ flags: ['REQUIRES_ADMIN_APPROVAL'], approvalReason: 'Amount exceeds 5000.00', origin: 'request' });
  });

  it('keeps the last 10 of each list, and answers 404 CREATOR_NOT_FOUND for an unknown id', async () => {
    const { creatorId } = await insertCreator(t.database.db, { name: `Many ${tag}` });
    for (let i = 0; i < 12; i++) {
      const { payment } = await pay(creatorId, 1_000n, `pi_${tag}_many_${i}`);
      await t.database.db.transaction((tx) => applyRefund(tx, { paymentId: payment.id, stripeRefund: { id: `re_${tag}_${i}`, amount: 100n, currency: 'eur' }, source: 'webhook', actor: 'stripe' }, t));
    }
    const body = (await asAdmin(`/api/admin/creators/${creatorId}`)).json();
    expect(body.refunds.count).toBe(12);
    expect(body.refunds.recent).toHaveLength(10);
    expect(body.refunds.recent[0].id).toBe(`re_${tag}_11`);

    for (const id of ['cr_unknown', 'not a creator id']) {
      const missing = await asAdmin(`/api/admin/creators/${encodeURIComponent(id)}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('CREATOR_NOT_FOUND');
    }
  });
});
