import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { payoutPayments, payouts } from '../../db/schema/index.js';
import { creatorAccount, platformAccount, post } from '../../ledger/index.js';
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

  it('filters by request dates, orders queues oldest first (the approval queue), and sums the list by status for the summary cards', async () => {
    const { creatorId } = await f.connectedCreator();
    const start = t.clock.now();
    const payAt = async (amount: bigint) => {
      const payout = await f.pendingPayout(creatorId, { payments: [amount] });
      expect((await asAdmin('POST', '/api/admin/payouts', { payoutId: payout.id })).json().outcome).toBe('paid');
      return payout;
    };
    const paid = await payAt(20_000n);
    const firstFlagged = await f.pendingPayout((await f.connectedCreator()).creatorId, { payments: [10_000n], status: 'PENDING_APPROVAL', approvalReason: 'First payout above 2000.00' });
    t.clock.advance(86_400);
    const paidLater = await payAt(10_000n);
    t.clock.advance(86_400);
    const pending = await f.pendingPayout(creatorId, { payments: [30_000n], amount: 5_000n });
    const secondFlagged = await f.pendingPayout((await f.connectedCreator()).creatorId, { payments: [10_000n], status: 'PENDING_APPROVAL', approvalReason: 'Suspicious' });

    const ids = (reply: { json(): { data: Array<{ id: string }> } }) => reply.json().data.map((p) => p.id);
    const mine = await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}`);
    expect(ids(mine)).toEqual([pending.id, paidLater.id, paid.id]); // newest first by default
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&order=asc`))).toEqual([paid.id, paidLater.id, pending.id]);
    // The approval queue: oldest first without asking.
    const queue = ids(await asAdmin('GET', '/api/admin/payouts?status=PENDING_APPROVAL&limit=200'));
    expect(queue.indexOf(firstFlagged.id)).toBeLessThan(queue.indexOf(secondFlagged.id));
    const queueDesc = ids(await asAdmin('GET', '/api/admin/payouts?status=PENDING_APPROVAL&order=desc&limit=200'));
    expect(queueDesc.indexOf(secondFlagged.id)).toBeLessThan(queueDesc.indexOf(firstFlagged.id));

    // Dates: an instant (from included, to excluded), or a whole UTC day (to included).
    const day = (offsetDays: number) => new Date(start.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
    const instant = (offsetSeconds: number) => encodeURIComponent(new Date(start.getTime() + offsetSeconds * 1000).toISOString());
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${instant(3_600)}`))).toEqual([pending.id, paidLater.id]);
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&to=${instant(3_600)}`))).toEqual([paid.id]);
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${day(1)}&to=${day(1)}`))).toEqual([paidLater.id]);
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${day(0)}&to=${day(2)}&status=PAID`))).toEqual([paidLater.id, paid.id]);
    expect((await asAdmin('GET', `/api/admin/payouts?from=yesterday`)).statusCode).toBe(400);
    // A period that ends before it starts is refused, not answered with an empty list.
    const backwards = await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${day(2)}&to=${day(1)}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({ code: 'PAYOUT_FILTER_PERIOD_INVALID', message: expect.stringContaining('must come before') });
    expect((await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${instant(3_600)}&to=${instant(3_600)}`)).json().error.code).toBe('PAYOUT_FILTER_PERIOD_INVALID');

    const filtered = (await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&status=PENDING`)).json();
    expect(filtered.data.map((p: { id: string }) => p.id)).toEqual([pending.id]);
    // The summary ignores the status filter (the cards show every status) but keeps the others.
    expect(filtered.summary).toEqual([
      {
        currency: 'eur',
        byStatus: {
          PENDING_APPROVAL: { count: 0, amount: 0 },
          PENDING: { count: 1, amount: 5_000 },
          PROCESSING: { count: 0, amount: 0 },
          PAID: { count: 2, amount: 27_000 },
          FAILED: { count: 0, amount: 0 },
          CANCELLED: { count: 0, amount: 0 },
        },
      },
    ]);
    expect((await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${day(1)}&to=${day(1)}`)).json().summary[0].byStatus.PAID).toEqual({ count: 1, amount: 9_000 });
    expect((await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&from=${day(1)}&to=${day(1)}`)).json().summary[0].byStatus.PENDING).toEqual({ count: 0, amount: 0 });

    // A cursor is tied to the order it was made in.
    const page = (await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&order=asc&limit=1`)).json();
    expect(ids(await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&order=asc&limit=5&cursor=${page.nextCursor}`))).toEqual([paidLater.id, pending.id]);
    expect((await asAdmin('GET', `/api/admin/payouts?creatorId=${creatorId}&order=desc&cursor=${page.nextCursor}`)).json().error.code).toBe('INVALID_CURSOR');
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
    for (const notes of [undefined, '', '   \n']) {
      const noNotes = await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'reject', ...(notes !== undefined && { notes }) });
      expect(noNotes.statusCode).toBe(400);
      expect(noNotes.json().error.code).toBe('PAYOUT_REASON_REQUIRED');
    }
    expect(await f.creatorBalances(creatorId)).toMatchObject({ available: 0n, reserved: 9_000n });

    const reply = await asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'reject', notes: 'Suspicious activity detected' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ success: true, message: 'Payout rejected successfully', payout: { status: 'CANCELLED' } });
    expect(await f.payout(payout.id)).toMatchObject({ status: 'CANCELLED', reviewNotes: 'Suspicious activity detected', reviewedBy: expect.stringMatching(/^api_key:/) });
    expect(await f.creatorBalances(creatorId)).toEqual({ available: 9_000n, reserved: 0n, paid: 0n });
    expect(await f.paymentStatuses(creatorId)).toEqual(['READY']);
    expect(await f.outbox('payout.rejected', payout.id)).toHaveLength(1);
    // The creator's statement dates the rejection (its status history's last step).
    const statement = (await asAdmin('GET', `/api/payouts/${payout.id}`)).json();
    expect(statement.payout).toMatchObject({ status: 'CANCELLED', explanation: { state: 'rejected' }, cancelledAt: (await f.payout(payout.id)).reviewedAt!.toISOString() });
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

  // The simulation's finding (seed 2726, docs/simulation.md): a rejection (ledger, then the payments) crossed
  // a transaction that held one of the payments and then wrote the creator's balance; the rejection was the
  // deadlock's victim and answered 500. It is now run again once the other has finished.
  it.skipIf(testDatabaseKind !== 'postgres')('a rejection that loses a deadlock to a transaction holding its payment is run again, not a 500', async () => {
    const { creatorId } = await f.connectedCreator();
    const payout = await f.pendingPayout(creatorId, { payments: [12_000n], status: 'PENDING_APPROVAL', approvalReason: 'First payout above 2000.00' });
    const [covered] = await t.database.db.select({ paymentId: payoutPayments.paymentId }).from(payoutPayments).where(eq(payoutPayments.payoutId, payout.id));
    let rejection: Promise<{ statusCode: number; body: string }> | undefined;
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from payments where id = ${covered!.paymentId} for update`);
      rejection = asAdmin('POST', '/api/admin/payout-approval', { payoutId: payout.id, action: 'reject', notes: 'Crossed by a refund' });
      // Once the rejection waits for the payment (having posted to the creator's balances), write one of them.
      for (let waited = 0; ; waited += 20) {
        const { rows } = await t.database.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%update payments p set%'`);
        if (rows[0]!.n > 0) break;
        if (waited > 5000) throw new Error('the rejection never waited for the payment');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await post(tx, { key: `crossing-${payout.id}`, kind: 'test.in', effectiveAt: t.clock.now(), postings: [{ account: platformAccount('stripe_balance', 'eur'), debit: 1n }, { account: creatorAccount(creatorId, 'available', 'eur'), credit: 1n }] });
    });
    const reply = await rejection!;
    expect(reply.statusCode, reply.body).toBe(200);
    const [after] = await t.database.db.select({ status: payouts.status }).from(payouts).where(eq(payouts.id, payout.id));
    expect(after!.status).toBe('CANCELLED');
  });
});
