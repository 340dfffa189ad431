import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { creators, payoutBlockedAttempts, users } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';

let t: TestApp;
let who: TestPrincipals;
beforeAll(async () => {
  t = await createTestApp({ env: { PAYOUT_HOLDING_DAYS: '7' } });
  who = await createPrincipals(t);
  // Both creators connect Stripe; the first reads French.
  await t.database.db.update(creators).set({ stripeAccountId: 'acct_one', payoutsEnabled: true, locale: 'fr' }).where(eq(creators.id, who.creator.creatorId));
  await t.database.db.update(creators).set({ stripeAccountId: 'acct_two', payoutsEnabled: true }).where(eq(creators.id, who.otherCreator.creatorId));
});
afterAll(async () => {
  await t?.close();
});

let bookings = 0;
/** READY payments (10 % fee) for a creator, paid 10 days ago, oldest first. */
async function readyPayments(creatorId: string, grossAmounts: bigint[]) {
  const ids: string[] = [];
  for (const [i, amount] of grossAmounts.entries()) {
    const paidAt = new Date(t.clock.now().getTime() - (10 * 86400 - i * 60) * 1000);
    const booking = `bk_${++bookings}`;
    const { payment } = await t.database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_${booking}`, bookingId: booking, amount, currency: 'eur', paidAt, actor: 'test' }, t));
    ids.push(payment.id);
  }
  await releaseDuePayments(t.database.db, { actor: 'test' }, t);
  return ids;
}

const post = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'POST', url: '/api/payouts/request', headers, payload });
const get = (headers: Record<string, string>, url: string) => t.app.inject({ method: 'GET', url, headers });

async function expectLedgerOk() {
  expect((await verifyLedger(t.database.db)).checks.filter((c) => !c.ok)).toEqual([]);
}

let frenchPayoutId: string;
let splitPayoutId: string;
let splitPaymentIds: string[];

describe(`creator payout routes on ${testDatabaseKind}`, () => {
  it('requests a payout: 201 with seed 000’s shape and the French message', async () => {
    await readyPayments(who.creator.creatorId, [7000n, 7000n]);
    const reply = await post(who.headers.creator, { amount: 12600 });
    expect(reply.statusCode).toBe(201);
    const body = reply.json();
    expect(body).toEqual({ success: true, message: 'Demande de paiement de 126,00\u00a0€ créée avec succès', payout: { id: expect.stringMatching(/^po_/), amount: 12600, currency: 'eur', status: 'PENDING' } });
    frenchPayoutId = body.payout.id;
    await expectLedgerOk();
  });

  it('refuses bad requests with stable codes, in the creator’s language', async () => {
    const fraction = await post(who.headers.creator, { amount: 126.5 });
    expect([fraction.statusCode, fraction.json().error.code]).toEqual([400, 'PAYOUT_INVALID_AMOUNT']);
    const text = await post(who.headers.creator, { amount: '126.00' });
    expect([text.statusCode, text.json().error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const again = await post(who.headers.creator, { amount: 100 });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'PAYOUT_REQUEST_ALREADY_OPEN', message: 'Vous avez déjà une demande de paiement en EUR en cours' });
    const currency = await post(who.headers.creator, { amount: 100, currency: 'xyz' });
    expect([currency.statusCode, currency.json().error.code]).toEqual([400, 'VALIDATION_ERROR']);
    const admin = await post(who.headers.admin, { amount: 100 });
    expect(admin.statusCode).toBe(403);
  });

  it('refuses a limit with a 422 and records the attempt; a split payout then goes through', async () => {
    // The second creator's account is new (< 30 days): at most 1 000.00 per payout.
    splitPaymentIds = await readyPayments(who.otherCreator.creatorId, [7000n, 10000n, 150_000n]);
    const refused = await post(who.headers.otherCreator, { amount: 150_000 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'PAYOUT_LIMIT_EXCEEDS_NEW_ACCOUNT', message: "During your account's first 30 days, a payout cannot exceed €1,000.00" });
    const blocked = await t.database.db.select().from(payoutBlockedAttempts).where(eq(payoutBlockedAttempts.creatorId, who.otherCreator.creatorId));
    expect(blocked).toMatchObject([{ code: 'EXCEEDS_NEW_ACCOUNT_LIMIT', amount: 150_000n }]);

    const accepted = await post(who.headers.otherCreator, { amount: 10000 });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ message: 'Payout request of €100.00 created successfully', payout: { status: 'PENDING' } });
    splitPayoutId = accepted.json().payout.id;
    await expectLedgerOk();
  });

  it('shows a payout as a statement: gross, fee, net and the part covered per booking, with totals', async () => {
    const reply = await get(who.headers.otherCreator, `/api/payouts/${splitPayoutId}`);
    expect(reply.statusCode).toBe(200);
    const { payout, statement } = reply.json();
    expect(payout).toMatchObject({ id: splitPayoutId, amount: 10000, status: 'PENDING', explanation: { state: 'waiting_for_admin', action: null } });
    expect(statement.lines).toEqual([
      expect.objectContaining({ paymentId: splitPaymentIds[0], grossAmount: 7000, feeAmount: 700, netAmount: 6300, coveredAmount: 6300, releasedAt: null }),
      expect.objectContaining({ paymentId: splitPaymentIds[1], grossAmount: 10000, feeAmount: 1000, netAmount: 9000, coveredAmount: 3700, releasedAt: null }),
    ]);
    expect(statement.lines[0].bookingId).toMatch(/^bk_/);
    expect(statement.totals).toEqual({ grossAmount: 17000, feeAmount: 1700, netAmount: 15300, coveredAmount: 10000 });
  });

  it("keeps a creator to their own payouts: someone else's is a 404; an admin sees any", async () => {
    const other = await get(who.headers.creator, `/api/payouts/${splitPayoutId}`);
    expect([other.statusCode, other.json().error.code]).toEqual([404, 'PAYOUT_NOT_FOUND']);
    const admin = await get(who.headers.admin, `/api/payouts/${splitPayoutId}`);
    expect(admin.statusCode).toBe(200);
    expect(admin.json().statement.totals.coveredAmount).toBe(10000);
    const missing = await get(who.headers.admin, '/api/payouts/po_nope');
    expect(missing.statusCode).toBe(404);
    const list = await get(who.headers.creator, `/api/payouts?creatorId=${who.otherCreator.creatorId}`);
    expect(list.statusCode).toBe(403);
  });

  it('lists the history with an explanation for each payout not yet paid, paginated', async () => {
    const page = await get(who.headers.creator, '/api/payouts?limit=1');
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      id: frenchPayoutId,
      amount: 12600,
      status: 'PENDING',
      origin: 'request',
      explanation: { state: 'waiting_for_admin', message: 'Votre demande a bien été reçue ; un administrateur va lancer le virement.' },
    });
    expect(body.nextCursor).toBeNull();
    const all = (await get(who.headers.admin, '/api/payouts?limit=1')).json();
    expect(all.data).toHaveLength(1);
    expect(all.nextCursor).toEqual(expect.any(String));
    const next = (await get(who.headers.admin, `/api/payouts?limit=1&cursor=${all.nextCursor}`)).json();
    expect(next.data[0].id).not.toBe(all.data[0].id);
  });

  it('fills pendingPayoutRequests in GET /api/payouts/request', async () => {
    const balance = (await get(who.headers.creator, '/api/payouts/request')).json();
    expect(balance).toMatchObject({ availableBalance: 0, reservedBalance: 12600 });
    expect(balance.pendingPayoutRequests).toEqual([expect.objectContaining({ id: frenchPayoutId, status: 'PENDING', explanation: expect.objectContaining({ state: 'waiting_for_admin' }) })]);
  });

  it('exports the history as CSV: a creator their own, an admin all or one creator', async () => {
    const [one] = await t.database.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, who.creator.userId));
    const own = await get(who.headers.creator, '/api/payouts/export.csv');
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(own.headers['content-disposition']).toBe(`attachment; filename="payouts-${who.creator.creatorId}.csv"; filename*=UTF-8''payouts-${who.creator.creatorId}.csv`);
    const lines = own.body.split('\r\n');
    expect(lines).toHaveLength(3); // header, one payout, and the empty string after the last CRLF
    expect(lines[0]).toBe('payout_id,creator_id,creator_name,creator_email,status,origin,amount,currency,payments,requested_at,processing_started_at,completed_at,failed_at,stripe_transfer_id,failure_reason');
    expect(lines[1]).toMatch(new RegExp(`^${frenchPayoutId},${who.creator.creatorId},${one!.name},${one!.email},PENDING,request,126\\.00,eur,2,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z,,,,,$`));
    expect(lines[2]).toBe('');

    const all = await get(who.headers.admin, '/api/payouts/export.csv');
    expect(all.body.split('\r\n').slice(1, -1).map((line) => line.split(',')[0])).toEqual([frenchPayoutId, splitPayoutId]);
    const filtered = await get(who.headers.admin, `/api/payouts/export.csv?creatorId=${who.otherCreator.creatorId}`);
    expect(filtered.body.split('\r\n').slice(1, -1)).toEqual([expect.stringMatching(new RegExp(`^${splitPayoutId},.*,100\\.00,eur,2,`))]);
    const forbidden = await get(who.headers.creator, `/api/payouts/export.csv?creatorId=${who.otherCreator.creatorId}`);
    expect(forbidden.statusCode).toBe(403);
    await expectLedgerOk();
  });
});
