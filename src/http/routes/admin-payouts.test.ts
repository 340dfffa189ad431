import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { payoutSagaFixtures } from '../../../test/payout-saga-fixtures.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';

/** The admin's payout routes over real HTTP (app.inject), the sandbox behind them (docs/payout-processing.md). */
let t: TestApp;
let who: TestPrincipals;
const f = payoutSagaFixtures(() => t);

beforeAll(async () => {
  t = await createTestApp({ sandbox: true });
  who = await createPrincipals(t);
  await f.fundPlatform();
});
afterEach(async () => {
  await f.expectBooksBalance();
});
afterAll(async () => {
  expect(t?.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const asAdmin = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...who.headers.admin, ...headers }, ...(payload ? { payload } : {}) });

describe(`admin payout routes on ${testDatabaseKind}`, () => {
  it('GET /api/admin/payouts lists the queue with seed 000 fields, filters and a cursor', async () => {
    const a = await f.connectedCreator();
    const first = await f.pendingPayout(a.creatorId, { payments: [10_000n, 5_000n], amount: 10_000n });
    const b = await f.connectedCreator();
    const flagged = await f.pendingPayout(b.creatorId, { status: 'PENDING_APPROVAL', approvalReason: 'Amount exceeds 5000.00' });

    const reply = await asAdmin('GET', `/api/admin/payouts?creatorId=${a.creatorId}`);
    expect(reply.statusCode).toBe(200);
    expect(reply.json().data).toEqual([
      expect.objectContaining({
        id: first.id,
        creatorName: expect.any(String),
        creatorEmail: expect.stringContaining('@example.test'),
        stripeAccountId: a.stripeAccountId,
        requestedAmount: 10_000,
        currency: 'eur',
        availableBalance: 3_500, // 90.00 + 45.00 earned, 100.00 reserved
        status: 'PENDING',
        requestedAt: expect.any(String),
        failedAttempts: 0,
        nextRetryAt: null,
        lastErrorCode: null,
        transferId: null,
      }),
    ]);
    const waiting = (await asAdmin('GET', '/api/admin/payouts?status=PENDING_APPROVAL')).json().data;
    expect(waiting).toContainEqual(expect.objectContaining({ id: flagged.id, approvalReason: 'Amount exceeds 5000.00', flags: ['REQUIRES_ADMIN_APPROVAL'] }));

    const page1 = (await asAdmin('GET', '/api/admin/payouts?limit=1')).json();
    expect(page1.data).toHaveLength(1);
    const page2 = (await asAdmin('GET', `/api/admin/payouts?limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.data[0].id).not.toBe(page1.data[0].id);
    expect((await asAdmin('GET', '/api/admin/payouts?cursor=garbage')).json().error.code).toBe('INVALID_CURSOR');
  });

  it("POST /api/admin/payouts processes a payout (seed 000's reply, in French on request); a second click gets 409", async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { payments: [14_000n] });
    const reply = await asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id, notes: 'Processed manually' }, { 'accept-language': 'fr-FR' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({ success: true, outcome: 'paid', payout: { id: payout.id, amount: 12_600, currency: 'eur', status: 'PAID', stripeTransferId: expect.stringMatching(/^tr_/) } });
    expect(body.message).toBe('Paiement de 126,00\u00a0€ transféré avec succès');
    const again = await asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PAYOUT_NOT_PROCESSABLE');
    expect((await asAdmin('POST', '/api/admin/payouts', { payoutId: 'po_nope' })).statusCode).toBe(404);
  });

  it('five concurrent clicks on one payout: one transfer, the rest 409', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId);
    const replies = await Promise.all(Array.from({ length: 5 }, () => asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id })));
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
  });

  it('refuses a creator who cannot receive payouts: 400 PAYOUT_STRIPE_NOT_CONNECTED, still PENDING', async () => {
    const { creatorId } = await f.connectedCreator({ connected: false });
    const payout = await f.pendingPayout(creatorId);
    const reply = await asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().error.code).toBe('PAYOUT_STRIPE_NOT_CONNECTED');
    expect((await f.payout(payout.id)).status).toBe('PENDING');
  });

  it('approve: reviewer, time and notes kept, processed at once; two admins approving at once → processed once', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { status: 'PENDING_APPROVAL', approvalReason: 'First payout above 2000.00' });
    const replies = await Promise.all([
      asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'approve', notes: 'Verified identity' }),
      asAdmin('POST', '/api/admin/payout-approval', { approvalId: `approval_${payout.id}`, action: 'approve', notes: 'Looks fine' }),
    ]);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const ok = replies.find((r) => r.statusCode === 200)!.json();
    expect(ok).toMatchObject({ success: true, message: 'Payout approved and processed successfully', transferId: expect.stringMatching(/^tr_/), payout: { status: 'PAID' } });
    expect(replies.find((r) => r.statusCode === 409)!.json().error.code).toBe('PAYOUT_NOT_REVIEWABLE');
    const row = await f.payout(payout.id);
    expect(row).toMatchObject({ status: 'PAID', reviewedBy: expect.stringMatching(/^api_key:/), reviewNotes: expect.any(String) });
    expect(row.reviewedAt).toBeInstanceOf(Date);
    expect(await f.transfersFor(payout.id)).toHaveLength(1);
    expect(await f.outbox('payout.approved', payout.id)).toHaveLength(1);
  });

  it('reject: notes required; the reservation released, the payments READY, the creator told', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { status: 'PENDING_APPROVAL', approvalReason: 'Suspicious' });
    const noNotes = await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'reject' });
    expect(noNotes.statusCode).toBe(400);
    expect(noNotes.json().error.code).toBe('PAYOUT_REASON_REQUIRED');
    expect(await f.creatorBalances(creatorId)).toMatchObject({ available: 0n, reserved: 9_000n });

    const reply = await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'reject', notes: 'Suspicious activity detected' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ success: true, message: 'Payout rejected successfully', payout: { status: 'CANCELLED' } });
    expect(await f.payout(payout.id)).toMatchObject({ status: 'CANCELLED', reviewNotes: 'Suspicious activity detected', reviewedBy: expect.stringMatching(/^api_key:/) });
    expect(await f.creatorBalances(creatorId)).toEqual({ available: 9_000n, reserved: 0n, paid: 0n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['READY']);
    expect(await f.outbox('payout.rejected', payout.id)).toHaveLength(1);
    expect((await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'approve' })).statusCode).toBe(409);
  });

  it('bulk: a result per payout, in order; refusals do not stop the others', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await f.pendingPayout((await f.connectedCreator()).creatorId)).id);
    const unconnected = await f.pendingPayout((await f.connectedCreator({ connected: false })).creatorId);
    const reply = await asAdmin('POST', '/api/admin/payouts/bulk', { payoutIds: [...ids, ids[0], 'po_missing', unconnected.id] });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body.counts).toEqual({ paid: 6, processing: 0, retry_scheduled: 0, failed: 0, error: 2 });
    expect(body.results.map((r: { payoutId: string }) => r.payoutId)).toEqual([...ids, 'po_missing', unconnected.id]);
    expect(body.results.slice(0, 6).every((r: { ok: boolean; outcome: string; transferId: string }) => r.ok && r.outcome === 'paid' && r.transferId.startsWith('tr_'))).toBe(true);
    expect(body.results.slice(6).map((r: { error: { code: string } }) => r.error.code)).toEqual(['PAYOUT_NOT_FOUND', 'PAYOUT_STRIPE_NOT_CONNECTED']);
    const again = (await asAdmin('POST', '/api/admin/payouts/bulk', { payoutIds: ids.slice(0, 2) })).json();
    expect(again.results[0]).toMatchObject({ ok: false, error: { code: 'PAYOUT_NOT_PROCESSABLE', status: 'PAID' } });
    for (const id of ids) expect(await f.transfersFor(id)).toHaveLength(1);
    expect((await asAdmin('POST', '/api/admin/payouts/bulk', { payoutIds: Array.from({ length: 501 }, (_, i) => `po_${i}`) })).statusCode).toBe(400);
  });
});
