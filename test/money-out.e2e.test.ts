import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balances, platformAccount, verifyLedger } from '../src/ledger/index.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import { createTestApp, type TestApp } from './app.js';
import { runPayouts } from './cli.js';
import { testDatabaseKind } from './database.js';
import { createPrincipals, type TestPrincipals } from './principals.js';
import { waitFor } from './wait-for.js';

/**
 * Issue 5's whole path, through the surfaces a host platform, Stripe, a creator, an admin and a
 * scheduler use, in each payout mode: seed 000's scenario — a customer books and pays (real SDK,
 * in-process sandbox, signed webhooks), the payment is HELD, the test clock passes the hold, the
 * release job makes it READY — and then the money leaves:
 *
 * - manual: the creator requests (`POST /api/payouts/request`), an admin processes (`POST /api/admin/payouts`) → PAID;
 * - automatic (seed 004, 72 h hold): the `automatic-payouts` job transfers the payment and makes the bank payout on the
 *   connected account (manual payout schedule); the sandbox's `payout.paid` at arrival finishes it → PAID;
 * - scheduled: on the next Monday the `scheduled-payouts` job pays the whole available balance → PAID.
 *
 * After each: the creator's balances, the sandbox's transfers = the ledger's `transfers`, and
 * `payouts verify` (ledger + payouts) clean.
 */
let t: TestApp;
let who: TestPrincipals;
let customerStripe: Stripe;

beforeAll(async () => {
  t = await createTestApp({ listen: true, env: { PAYOUT_HOLDING_DAYS: '7', ENABLE_TEST_CLOCK: '1', PAYOUT_MODE: 'manual', PAYOUT_SCHEDULE: 'weekly' } });
  who = await createPrincipals(t);
  customerStripe = new Stripe('sk_test_customer_side', t.testSandbox!.clientOptions);
});
afterAll(async () => {
  expect(t.testSandbox?.violations()).toEqual([]);
  await t?.close();
});

const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

const advanceClock = async (seconds: number) => expect((await api('POST', '/api/test/clock', {}, { advanceSeconds: Math.ceil(seconds) })).statusCode).toBe(200);

/** The platform signs a creator up in a mode; the creator finishes onboarding; a way to act as them (tokens expire when the clock jumps). */
async function onboard(name: string, body: Record<string, unknown>) {
  const reply = await api('POST', '/api/creators', who.headers.platform, { email: `${name.toLowerCase()}@example.test`, name, ...body });
  expect(reply.statusCode).toBe(201);
  const { creator, user, onboardingUrl } = reply.json();
  await fetch(onboardingUrl, { redirect: 'manual' });
  await waitFor(`${name}'s account.updated`, async () => {
    const balance = await api('GET', `/api/payouts/request?creatorId=${creator.id}`, who.headers.admin);
    return balance.json().stripeConnected === true;
  });
  const asCreator = async () => ({ authorization: `Bearer ${(await api('POST', '/api/auth/tokens', who.headers.platform, { userId: user.id })).json().token}` });
  return { creatorId: creator.id as string, asCreator };
}

/** A customer books and pays; the webhook records the payment HELD. */
async function bookAndPay(creatorId: string, amount: number, bookingId: string) {
  await customerStripe.paymentIntents.create({ amount, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { creatorId, bookingId } });
  return waitFor(`the payment of ${bookingId}`, async () => {
    const list = (await api('GET', `/api/payments?limit=50`, who.headers.admin)).json();
    return list.data.find((p: { bookingId: string; status: string }) => p.bookingId === bookingId && p.status === 'HELD');
  });
}

async function releaseHolds(expected: number) {
  const release = await api('POST', '/api/payouts/update-status', who.headers.cron);
  expect(release.json()).toMatchObject({ success: true, updatedCount: expected });
}

/** What every scenario ends with. */
async function expectBooksBalance() {
  const ledger = await verifyLedger(t.database.db);
  expect(ledger.checks.filter((c) => !c.ok)).toEqual([]);
  const payouts = await verifyPayouts(t.database.db);
  expect(payouts.checks.filter((c) => !c.ok)).toEqual([]);
  let sent = 0;
  for await (const transfer of customerStripe.transfers.list({ limit: 100 })) if (transfer.currency === 'eur') sent += transfer.amount - transfer.amount_reversed;
  const transfers = platformAccount('transfers', 'eur');
  expect(BigInt(sent)).toBe((await balances(t.database.db, [transfers])).get(transfers.code));
}

let paidSoFar = 0;

describe(`money out, end to end, on ${testDatabaseKind}`, () => {
  it('manual mode: book → HELD → READY → request → process → PAID', async () => {
    const ada = await onboard('Ada', { payoutMode: 'manual', locale: 'fr' });
    const payment = await bookAndPay(ada.creatorId, 12600, 'bk-out-manual');
    expect(payment).toMatchObject({ amount: 12600, feeAmount: 1260, creatorAmount: 11340 });
    await advanceClock(7 * 86400 + 60);
    await releaseHolds(1);

    const asAda = await ada.asCreator();
    expect((await api('GET', '/api/payouts/request', asAda)).json()).toMatchObject({ availableBalance: 11340, pendingBalance: 0, totalPaid: 0, currency: 'eur' });
    const requested = await api('POST', '/api/payouts/request', asAda, { amount: 11340 });
    expect(requested.statusCode).toBe(201);
    expect(requested.json()).toMatchObject({ success: true, message: expect.stringMatching(/^Demande de paiement de 113,40\s€ créée avec succès$/), payout: { amount: 11340, currency: 'eur', status: 'PENDING' } });
    const payoutId = requested.json().payout.id;
    expect((await api('GET', '/api/payouts/request', asAda)).json()).toMatchObject({ availableBalance: 0 });

    const processed = await api('POST', '/api/admin/payouts', who.headers.admin, { payoutId, notes: 'weekly run' });
    expect(processed.statusCode).toBe(200);
    expect(processed.json()).toMatchObject({ success: true, outcome: 'paid', payout: { id: payoutId, status: 'PAID', amount: 11340 } });
    const transferId = processed.json().transferId;
    const transfer = await customerStripe.transfers.retrieve(transferId);
    expect(transfer).toMatchObject({ amount: 11340, currency: 'eur', transfer_group: `payout_${payoutId}` });
    paidSoFar += 11340;

    expect((await api('GET', '/api/payouts/request', asAda)).json()).toMatchObject({ availableBalance: 0, pendingBalance: 0, totalPaid: 11340 });
    const statement = (await api('GET', `/api/payouts/${payoutId}`, asAda)).json();
    expect(statement.payout).toMatchObject({ id: payoutId, status: 'PAID' });
    const audit = (await api('GET', `/api/admin/audit?subjectType=payout&subjectId=${payoutId}`, who.headers.admin)).json().data;
    // Stripe's transfer.created, when it has arrived, is in the trail too (`payout.stripe_event`).
    expect(audit.map((e: { action: string }) => e.action).filter((action: string) => action !== 'payout.stripe_event')).toEqual(['payout.paid', 'payout.processing', 'payout.created']);
    expect(audit[audit.length - 1]).toMatchObject({ actor: expect.stringMatching(/^user:/), fromStatus: null, toStatus: 'PENDING', amount: 11340 });
    expect(audit.find((e: { action: string }) => e.action === 'payout.processing')).toMatchObject({ actor: expect.stringMatching(/^api_key:/), reason: 'weekly run' });
    await expectBooksBalance();
  });

  it('automatic mode (seed 004): book → HELD 72 h → READY → automatic transfer → bank payout → payout.paid → PAID', async () => {
    const bo = await onboard('Bo', { payoutMode: 'automatic', holdingPeriodHours: 72 });
    const payment = await bookAndPay(bo.creatorId, 5000, 'bk-out-automatic');
    expect(payment.payoutReleaseDate).toBe(new Date(Date.parse(payment.paidAt) + 72 * 3600_000).toISOString());

    // Before the hold ends the job has nothing to transfer.
    expect((await api('POST', '/api/cron/automatic-payouts', who.headers.cron)).json()).toMatchObject({ success: true, created: 0 });
    await advanceClock(72 * 3600 + 60);
    await releaseHolds(1);
    const run = await api('POST', '/api/cron/automatic-payouts', who.headers.cron);
    expect(run.json()).toMatchObject({ success: true, job: 'automatic-payouts', created: 1, updatedCount: 1, processing: 1, failed: 0 });
    const [payoutId] = run.json().createdPayoutIds as string[];

    const asBo = await bo.asCreator();
    const inFlight = (await api('GET', `/api/payouts/${payoutId}`, asBo)).json().payout;
    expect(inFlight).toMatchObject({ status: 'PROCESSING', amount: 4500 });
    expect((await api('GET', '/api/payouts/request', asBo)).json()).toMatchObject({ availableBalance: 0, totalPaid: 4500 });

    // The bank payout arrives a day later: the sandbox emits payout.paid on the connected account.
    await advanceClock(86400 + 60);
    await waitFor('payout.paid to finish the payout', async () => (await api('GET', `/api/admin/payouts?creatorId=${bo.creatorId}`, who.headers.admin)).json().data[0]?.status === 'PAID');
    paidSoFar += 4500;
    const asBoLater = await bo.asCreator();
    expect((await api('GET', '/api/payouts/request', asBoLater)).json()).toMatchObject({ availableBalance: 0, pendingBalance: 0, totalPaid: 4500 });
    const audit = (await api('GET', `/api/admin/audit?subjectType=payout&subjectId=${payoutId}`, who.headers.admin)).json().data;
    // The status transitions, with the Stripe events that confirmed steps (`payout.stripe_event`) in between. The bank
    // payout's id is recorded by the saga (`payout.bank_payout_created`) or, when Stripe's payout.created webhook wins the race, by it.
    const transitions = audit.map((e: { action: string }) => e.action).filter((action: string) => !['payout.stripe_event', 'payout.bank_payout_created'].includes(action));
    expect(transitions).toEqual(['payout.paid', 'payout.transferred', 'payout.processing', 'payout.created']);
    const [row] = (await api('GET', `/api/admin/payouts?creatorId=${bo.creatorId}`, who.headers.admin)).json().data;
    expect(row).toMatchObject({ status: 'PAID', transferId: expect.stringMatching(/^tr_/), bankPayoutId: expect.stringMatching(/^po_/) });
    expect(audit.find((e: { action: string }) => e.action === 'payout.paid')).toMatchObject({ actor: 'stripe', fromStatus: 'PROCESSING', toStatus: 'PAID', amount: 4500 });
    expect(audit.at(-1)).toMatchObject({ actor: 'system:automatic-payouts', amount: 4500 });
    await expectBooksBalance();
  });

  it('scheduled mode: book → HELD → READY → next Monday → the whole available balance → PAID', async () => {
    const cy = await onboard('Cy', { payoutMode: 'scheduled', payoutSchedule: 'weekly' });
    await bookAndPay(cy.creatorId, 7000, 'bk-out-scheduled-1');
    await bookAndPay(cy.creatorId, 10050, 'bk-out-scheduled-2');
    await advanceClock(7 * 86400 + 60);
    await releaseHolds(2);
    expect((await api('GET', '/api/payouts/request', await cy.asCreator())).json()).toMatchObject({ availableBalance: 15345 });

    // To the next Monday, 00:10 UTC.
    const now = new Date((await api('GET', '/api/test/clock', {})).json().now);
    const daysToMonday = ((8 - now.getUTCDay()) % 7) || 7;
    const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + daysToMonday, 0, 10);
    await advanceClock((monday - now.getTime()) / 1000);
    const run = await api('POST', '/api/cron/scheduled-payouts', who.headers.cron);
    expect(run.json()).toMatchObject({ success: true, job: 'scheduled-payouts', created: 1, paid: 1, failed: 0 });
    // Once per period: the same day again makes nothing.
    expect((await api('POST', '/api/cron/scheduled-payouts', who.headers.cron)).json()).toMatchObject({ success: true, created: 0 });

    const asCy = await cy.asCreator();
    expect((await api('GET', '/api/payouts/request', asCy)).json()).toMatchObject({ availableBalance: 0, pendingBalance: 0, totalPaid: 15345 });
    const history = (await api('GET', '/api/payouts', asCy)).json().data;
    expect(history).toMatchObject([{ amount: 15345, status: 'PAID' }]);
    paidSoFar += 15345;
    await expectBooksBalance();

    // The real command, as an operator runs it: ledger and payout invariants both hold.
    const verify = await runPayouts(['verify'], { DATABASE_URL: t.database.connectionString });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/Ledger verified: all \d+ invariants hold\./);
    expect(verify.stdout).toMatch(/Payouts verified: all \d+ invariants hold\./);
    const transfers = platformAccount('transfers', 'eur');
    expect((await balances(t.database.db, [transfers])).get(transfers.code)).toBe(BigInt(paidSoFar));
  });
});
