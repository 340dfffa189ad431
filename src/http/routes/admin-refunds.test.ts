import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { waitFor } from '../../../test/wait-for.js';
import { paymentDisputes, paymentRefunds, payments, payouts, webhookEvents } from '../../db/schema/index.js';
import { newId } from '../../domain/ids.js';
import { balances, creatorAccount, verifyLedger } from '../../ledger/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';
import { setDisputeRequested } from '../../services/payments/set-dispute-requested.js';
import { createPayout } from '../../services/payouts/create-payout.js';
import { lockPayout, recordTransferMade, startProcessing } from '../../services/payouts/payout-lifecycle.js';
import { runAutomaticPayouts } from '../../services/payouts/run-automatic-payouts.js';
import { applyRefund } from '../../services/refunds/apply-refund.js';
import { openDispute } from '../../services/refunds/disputes.js';
import { verifyPayouts } from '../../services/payouts/verify-payouts.js';
import { retryFailedWebhookEvents } from '../../services/webhooks/retry-failed-webhook-events.js';
import { stripeCliBinary } from '../../sandbox/testing/stripe-cli-binary.js';

/**
 * Refunds, disputes and clawbacks end to end (docs/refunds-and-disputes.md): payments, refunds,
 * disputes and transfer reversals made in the local Stripe sandbox with the real SDK arrive at
 * the listening app as real signed webhooks; the admin routes over app.inject; `verifyLedger`
 * after every test.
 */
let t: TestApp;
let adminKey: string;
const ownSecret = `whsec_test_${Math.random().toString(36).slice(2)}`;
const unique = () => Math.random().toString(36).slice(2, 10);
let cliHome: string;

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, listen: true, env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10', DISPUTE_FEE_PAYER: 'creator' } });
  t.stripe.addWebhookSecret(ownSecret);
  adminKey = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'admin', actor: 'test' }, { clock: t.clock }))).key;
  cliHome = mkdtempSync(join(tmpdir(), 'stripe-cli-home-'));
});
afterEach(async () => {
  const verification = await verifyLedger(t.database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
  // `payouts verify`: the payout invariants too.
  const payoutChecks = await verifyPayouts(t.database.db);
  expect(payoutChecks.checks.filter((check) => !check.ok)).toEqual([]);
});
afterAll(async () => {
  await t?.close();
  if (cliHome) rmSync(cliHome, { recursive: true, force: true });
});

const sdk = () => t.stripe.stripe;
const db = () => t.database.db;
const context = () => ({ config: t.config, clock: t.clock });
const asAdmin = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}` }, ...(payload ? { payload } : {}) });

async function paymentOf(intentId: string) {
  const [payment] = await db().select().from(payments).where(eq(payments.externalId, intentId));
  return payment;
}

/** The stored event of `type` about `objectId`, once its processing has finished. */
async function settledEvent(type: string, objectId: string) {
  return waitFor(`a settled ${type} event for ${objectId}`, async () => {
    const [row] = await db()
      .select()
      .from(webhookEvents)
      .where(sql`${webhookEvents.type} = ${type} and ${webhookEvents.payload} -> 'data' -> 'object' ->> 'id' = ${objectId} and ${webhookEvents.status} <> 'processing'`);
    return row;
  });
}

/** Like settledEvent, but a `failed` one (it arrived before its payment) is retried by an admin until it completes. */
async function appliedEvent(type: string, objectId: string) {
  const row = await settledEvent(type, objectId);
  if (row.status !== 'failed') return row;
  const reply = await asAdmin('POST', `/api/admin/webhooks/${row.id}/retry`);
  expect(reply.statusCode, reply.body).toBe(200);
  return reply.json<{ event: { status: string } }>().event;
}

async function creatorBalances(creatorId: string) {
  const kinds = ['held', 'available', 'reserved', 'frozen', 'paid', 'receivable'] as const;
  const all = await balances(db(), kinds.map((k) => creatorAccount(creatorId, k, 'eur')));
  return Object.fromEntries(kinds.map((k) => [k, all.get(creatorAccount(creatorId, k, 'eur').code) ?? 0n])) as Record<(typeof kinds)[number], bigint>;
}

/** A customer's payment in the sandbox, recorded by its payment_intent.succeeded webhook. */
async function paidInSandbox(creatorId: string, options: { amount?: number; paymentMethod?: string } = {}) {
  const intent = await sdk().paymentIntents.create({
    amount: options.amount ?? 10000,
    currency: 'eur',
    payment_method: options.paymentMethod ?? 'pm_card_visa',
    confirm: true,
    metadata: { creatorId, bookingId: `bk_${unique()}` },
  });
  const payment = await waitFor(`the payment of ${intent.id}`, () => paymentOf(intent.id));
  return { intent, payment };
}

/** A Stripe event this test signs itself. */
function stripeEvent(type: string, object: Record<string, unknown>) {
  return { id: `evt_test_${unique()}`, object: 'event', api_version: '2025-01-27.acacia', created: Math.floor(t.clock.now().getTime() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}
async function postOwnEvent(event: object) {
  const payload = JSON.stringify(event);
  const response = await fetch(`${t.url}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': sdk().webhooks.generateTestHeaderString({ payload, secret: ownSecret }) },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe(`refunds through Stripe on ${testDatabaseKind}`, () => {
  it('charge.refunded: two partial refunds in a row, each applied once, summing to the share and the fee', async () => {
    const { creatorId } = await insertCreator(db());
    const { intent, payment } = await paidInSandbox(creatorId);
    expect(payment.status).toBe('HELD');
    await sdk().refunds.create({ payment_intent: intent.id, amount: 3000 });
    await waitFor('the first refund', async () => (await paymentOf(intent.id))?.refundedAmount === 3000n);
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 6300n });
    // The second event lists both refunds: only the new one is applied.
    await sdk().refunds.create({ payment_intent: intent.id });
    await waitFor('the second refund', async () => (await paymentOf(intent.id))?.status === 'CANCELLED');
    const rows = await db().select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, payment.id));
    expect(rows.map((r) => [r.amount, r.creatorPart, r.feePart, r.source]).sort()).toEqual([
      [3000n, 2700n, 300n, 'webhook'],
      [7000n, 6300n, 700n, 'webhook'],
    ]);
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 0n, available: 0n, receivable: 0n });
  });

  it('POST /api/admin/payments/:id/refund: Stripe refunds, the books change once whether our call or the webhook comes first', async () => {
    const { creatorId } = await insertCreator(db());
    const { intent, payment } = await paidInSandbox(creatorId);
    const requestId = `req-${unique()}`;
    const first = await asAdmin('POST', `/api/admin/payments/${payment.id}/refund`, { amount: 4000, reason: 'customer cancelled', requestId });
    expect(first.statusCode, first.body).toBe(200);
    const body = first.json<{ refund: { id: string; amount: number; creatorPart: number; feePart: number; appliedBy: string }; payment: { refundedAmount: number } }>();
    expect(body.refund).toMatchObject({ amount: 4000, creatorPart: 3600, feePart: 400 });
    expect(['admin', 'webhook']).toContain(body.refund.appliedBy);
    // The webhook of the same refund: completed, nothing applied twice.
    const charge = (await sdk().refunds.retrieve(body.refund.id)).charge as string;
    await waitFor('the charge.refunded event', async () => {
      const [row] = await db().select().from(webhookEvents).where(and(eq(webhookEvents.type, 'charge.refunded'), sql`${webhookEvents.payload} -> 'data' -> 'object' ->> 'id' = ${charge}`));
      return row?.status === 'completed';
    });
    // The same request again (a client retry): Stripe's idempotency gives the same refund back.
    const again = await asAdmin('POST', `/api/admin/payments/${payment.id}/refund`, { amount: 4000, reason: 'customer cancelled', requestId });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<{ refund: { id: string } }>().refund.id).toBe(body.refund.id);
    expect((await paymentOf(intent.id))!.refundedAmount).toBe(4000n);
    expect(await db().select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, payment.id))).toHaveLength(1);
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 5400n });

    // The rest, then nothing more.
    const rest = await asAdmin('POST', `/api/admin/payments/${payment.id}/refund`, { reason: 'goodwill' });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json<{ payment: { status: string; refundedAmount: number } }>().payment).toMatchObject({ status: 'CANCELLED', refundedAmount: 10000 });
    const more = await asAdmin('POST', `/api/admin/payments/${payment.id}/refund`, { reason: 'again' });
    expect([more.statusCode, more.json<{ error: { code: string } }>().error.code]).toEqual([409, 'PAYMENT_NOT_REFUNDABLE']);
    expect((await asAdmin('POST', `/api/admin/payments/pay_unknown/refund`, { reason: 'x' })).statusCode).toBe(404);
  });

  it('out of order: a refund event before its payment is stored failed, and applied by a retry once the payment exists; a duplicate is only counted', async () => {
    const { creatorId } = await insertCreator(db());
    const intentId = `pi_test_${unique()}`;
    const chargeId = `ch_test_${unique()}`;
    const created = Math.floor(t.clock.now().getTime() / 1000);
    const refunded = stripeEvent('charge.refunded', {
      id: chargeId,
      object: 'charge',
      amount: 7000,
      amount_refunded: 7000,
      currency: 'eur',
      payment_intent: intentId,
      metadata: { creatorId },
      refunds: { object: 'list', data: [{ id: `re_test_${unique()}`, object: 'refund', amount: 7000, currency: 'eur', status: 'succeeded', created }], has_more: false },
    });
    expect((await postOwnEvent(refunded)).status).toBe(200);
    const [failed] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, refunded.id));
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed!.error).toMatch(/^PAYMENT_NOT_RECORDED_YET/);
    expect(failed!.nextRetryAt).not.toBeNull();

    const succeeded = stripeEvent('payment_intent.succeeded', {
      id: intentId,
      object: 'payment_intent',
      amount: 7000,
      amount_received: 7000,
      currency: 'eur',
      status: 'succeeded',
      created,
      metadata: { creatorId, bookingId: `bk_${unique()}` },
      latest_charge: chargeId,
    });
    await postOwnEvent(succeeded);
    expect((await paymentOf(intentId))!.status).toBe('HELD');

    const retried = await asAdmin('POST', `/api/admin/webhooks/${refunded.id}/retry`);
    expect(retried.json<{ event: { status: string } }>().event.status).toBe('completed');
    expect((await paymentOf(intentId))!).toMatchObject({ status: 'CANCELLED', refundedAmount: 7000n });
    expect(await postOwnEvent(refunded)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 0n, receivable: 0n });
  });
});

describe(`the booking-failed refund and its webhook on ${testDatabaseKind}`, () => {
  it('the charge.refunded webhook books the refund first; the booking-failed call then only marks the payment REFUNDED', async () => {
    const platformKey = (await db().transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'platform', actor: 'test' }, { clock: t.clock }))).key;
    const { creatorId } = await insertCreator(db());
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/checkout/sessions',
      headers: { authorization: `Bearer ${platformKey}` },
      payload: { creatorId, bookingId: `bk_${unique()}`, amount: 7000, currency: 'eur', productName: 'Session', successUrl: 'https://host.example/ok', cancelUrl: 'https://host.example/cancel' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const sessionId = opened.json<{ sessionId: string }>().sessionId;
    const paid = await t.testSandbox!.control('POST', `/_sandbox/checkout/${sessionId}/pay`, { payment_method: 'pm_card_visa' });
    const intentId = (paid.body as { payment_intent: string }).payment_intent;
    const payment = await waitFor('the checkout payment', () => paymentOf(intentId));
    // The refund the booking-failed path makes (same idempotency key), seen by the webhook first.
    await t.stripe.createRefund({ paymentId: payment.id, refundRequestId: 'booking-failed', paymentIntentId: intentId, reason: 'requested_by_customer' });
    await waitFor('the webhook booked it', async () => (await paymentOf(intentId))?.status === 'CANCELLED');
    const failed = await t.app.inject({ method: 'POST', url: `/api/checkout/sessions/${sessionId}/booking-failed`, headers: { authorization: `Bearer ${platformKey}` }, payload: { reason: 'slot gone' } });
    expect(failed.statusCode, failed.body).toBe(200);
    expect((await paymentOf(intentId))!).toMatchObject({ status: 'REFUNDED', refundedAmount: 7000n });
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 0n, receivable: 0n });
  });
});

describe(`disputes through Stripe on ${testDatabaseKind}`, () => {
  it('a chargeback freezes the share; won (evidence) puts it back', async () => {
    const { creatorId } = await insertCreator(db());
    const { intent } = await paidInSandbox(creatorId, { paymentMethod: 'pm_card_createDispute' });
    const [stripeDispute] = (await sdk().disputes.list({ payment_intent: intent.id })).data;
    expect(await appliedEvent('charge.dispute.created', stripeDispute!.id)).toMatchObject({ status: 'completed' });
    expect((await paymentOf(intent.id))!.status).toBe('DISPUTED');
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 0n, frozen: 9000n });

    await sdk().disputes.update(stripeDispute!.id, { evidence: { uncategorized_text: 'winning_evidence' } });
    expect(await settledEvent('charge.dispute.closed', stripeDispute!.id)).toMatchObject({ status: 'completed' });
    expect((await paymentOf(intent.id))!.status).toBe('HELD');
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 9000n, frozen: 0n });
  });

  it('lost: written off against the creator, Stripe’s 15.00 fee charged to the creator (DISPUTE_FEE_PAYER=creator)', async () => {
    const { creatorId } = await insertCreator(db());
    const { intent, payment } = await paidInSandbox(creatorId, { paymentMethod: 'pm_card_createDispute' });
    const [stripeDispute] = (await sdk().disputes.list({ payment_intent: intent.id })).data;
    await appliedEvent('charge.dispute.created', stripeDispute!.id);
    await sdk().disputes.close(stripeDispute!.id);
    expect(await settledEvent('charge.dispute.closed', stripeDispute!.id)).toMatchObject({ status: 'completed' });
    expect((await paymentOf(intent.id))!.status).toBe('CANCELLED');
    expect(await creatorBalances(creatorId)).toMatchObject({ held: 0n, frozen: 0n, receivable: 1500n });
    const [row] = await db().select().from(paymentDisputes).where(eq(paymentDisputes.paymentId, payment.id));
    expect(row).toMatchObject({ status: 'lost', disputeFee: 1500n, feePayer: 'creator' });
  });

  it('out of order: a dispute whose payment is not recorded yet is parked and applied by the retry sweep', async () => {
    // The creator does not exist yet, so payment_intent.succeeded fails too (CREATOR_NOT_FOUND).
    const creatorId = newId('cr');
    const intent = await sdk().paymentIntents.create({ amount: 5000, currency: 'eur', payment_method: 'pm_card_createDispute', confirm: true, metadata: { creatorId, bookingId: `bk_${unique()}` } });
    const [stripeDispute] = (await sdk().disputes.list({ payment_intent: intent.id })).data;
    const parked = await settledEvent('charge.dispute.created', stripeDispute!.id);
    expect(parked.status).toBe('failed');
    expect(parked.error).toMatch(/^PAYMENT_NOT_RECORDED_YET/);

    await insertCreator(db(), { id: creatorId });
    expect(await appliedEvent('payment_intent.succeeded', intent.id)).toMatchObject({ status: 'completed' });
    t.clock.advance(10 * 60);
    const swept = await retryFailedWebhookEvents(db(), t.app.deps);
    expect(swept.eventIds).toContain(parked.id);
    expect((await paymentOf(intent.id))!.status).toBe('DISPUTED');
    expect(await creatorBalances(creatorId)).toMatchObject({ frozen: 4500n });
  });

  it('a DISPUTED payment and one on admin hold are not transferred automatically', async () => {
    await sdk().paymentIntents.create({ amount: 5_000_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
    const creatorId = newId('cr');
    const account = await t.stripe.createExpressAccount({ creatorId, email: `${creatorId}@example.test`, manualPayouts: false });
    await t.testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
    await insertCreator(db(), { id: creatorId, stripeAccountId: account.id, payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true, payoutMode: 'automatic' });
    const ids: string[] = [];
    for (const i of [0, 1, 2]) {
      const paidAt = new Date(t.clock.now().getTime() - (30 - i) * 86_400_000);
      const { payment } = await db().transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_auto_${unique()}`, amount: 10000n, currency: 'eur', paidAt, actor: 'stripe' }, context()));
      ids.push(payment.id);
    }
    await releaseDuePayments(db(), { actor: 'system:test' }, context());
    await db().transaction((tx) => openDispute(tx, { paymentId: ids[0]!, dispute: { id: `dp_${unique()}`, amount: 10000n, currency: 'eur' }, actor: 'stripe' }, context()));
    await db().transaction((tx) => setDisputeRequested(tx, { paymentId: ids[1]!, disputeRequested: true, reason: 'review', actor: 'user:admin' }, context()));
    const run = await runAutomaticPayouts(db(), t.app.deps);
    const covered = await db().execute<{ payment_id: string }>(sql`select pp.payment_id from payout_payments pp join payouts po on po.id = pp.payout_id where po.creator_id = ${creatorId}`);
    expect(covered.rows.map((r) => r.payment_id)).toEqual([ids[2]]);
    expect(run.createdPayoutIds).toHaveLength(1);
  });
});

describe(`clawback on ${testDatabaseKind}`, () => {
  it('POST /api/admin/creators/:id/clawback reverses part of the last transfer; the creator sees the debt and each recovery', async () => {
    await sdk().paymentIntents.create({ amount: 5_000_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
    const creatorId = newId('cr');
    const account = await t.stripe.createExpressAccount({ creatorId, email: `${creatorId}@example.test`, manualPayouts: false });
    await t.testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
    await insertCreator(db(), { id: creatorId, stripeAccountId: account.id, payoutsEnabled: true, chargesEnabled: true, detailsSubmitted: true });
    const paidAt = new Date(t.clock.now().getTime() - 30 * 86_400_000);
    const { payment } = await db().transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_cb_${unique()}`, amount: 10000n, currency: 'eur', paidAt, actor: 'stripe' }, context()));
    await releaseDuePayments(db(), { actor: 'system:test' }, context());
    const { payout } = await db().transaction((tx) => createPayout(tx, { creatorId, amount: 9000n, currency: 'eur', origin: 'request', status: 'PENDING', actor: 'user:test' }, context()));
    await db().transaction(async (tx) => startProcessing(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', stripeAccountId: account.id, awaitsBankPayout: false, leaseSeconds: 60 }, t.clock.now()));
    const transfer = await t.stripe.createTransfer({ payoutId: payout.id, amount: 9000n, currency: 'eur', destination: account.id });
    await db().transaction(async (tx) => recordTransferMade(tx, await lockPayout(tx, payout.id), { actor: 'user:admin', transferId: transfer.id }, t.clock.now()));
    // Refunded after it was paid out: the creator owes 90.00.
    await db().transaction((tx) => applyRefund(tx, { paymentId: payment.id, stripeRefund: { id: `re_${unique()}`, amount: 10000n, currency: 'eur' }, source: 'admin', actor: 'user:admin' }, context()));
    expect(await creatorBalances(creatorId)).toMatchObject({ paid: 9000n, receivable: 9000n });

    const first = await asAdmin('POST', `/api/admin/creators/${creatorId}/clawback`, { amount: 4000, reason: 'refund after payout' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ clawback: { payoutId: payout.id, transferId: transfer.id, amount: 4000, currency: 'eur' }, debt: 5000, duplicate: false });
    expect((await sdk().transfers.retrieve(transfer.id)).amount_reversed).toBe(4000);
    expect(await creatorBalances(creatorId)).toMatchObject({ paid: 5000n, receivable: 5000n });
    // Stripe's transfer.reversed for our partial reversal leaves the payout PAID.
    await settledEvent('transfer.reversed', transfer.id);
    expect((await db().select().from(payouts).where(eq(payouts.id, payout.id)))[0]!.status).toBe('PAID');

    const tooMuch = await asAdmin('POST', `/api/admin/creators/${creatorId}/clawback`, { amount: 5001, reason: 'x' });
    expect([tooMuch.statusCode, tooMuch.json<{ error: { code: string } }>().error.code]).toEqual([400, 'CLAWBACK_AMOUNT_INVALID']);
    const second = await asAdmin('POST', `/api/admin/creators/${creatorId}/clawback`, { amount: 1000, reason: 'second instalment' });
    expect(second.json()).toMatchObject({ debt: 4000 });

    // The rest is recovered from the next earnings; the creator sees it all.
    await db().transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_cb_${unique()}`, amount: 10000n, currency: 'eur', paidAt, actor: 'stripe' }, context()));
    await releaseDuePayments(db(), { actor: 'system:test' }, context());
    expect(await creatorBalances(creatorId)).toMatchObject({ available: 5000n, receivable: 0n, paid: 4000n });
    const view = await asAdmin('GET', `/api/payouts/request?creatorId=${creatorId}`);
    expect(view.statusCode, view.body).toBe(200);
    const shown = view.json<{ debt: number; recoveries: Array<{ via: string; amount: number }> }>();
    expect(shown.debt).toBe(0);
    expect(shown.recoveries.map((r) => [r.via, r.amount])).toEqual([
      ['earnings', 4000],
      ['transfer_reversal', 1000],
      ['transfer_reversal', 4000],
    ]);
    const none = await asAdmin('POST', `/api/admin/creators/${creatorId}/clawback`, { reason: 'nothing owed' });
    expect([none.statusCode, none.json<{ error: { code: string } }>().error.code]).toEqual([409, 'CLAWBACK_NO_DEBT']);
  });
});

describe('stripe trigger charge.refunded / charge.dispute.created', () => {
  const trigger = (event: string) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        stripeCliBinary(),
        ['trigger', event, '--api-base', t.sandbox!.url, '--api-key', 'sk_test_stripe_cli_refunds'],
        { timeout: 20_000, env: { PATH: process.env.PATH ?? '', HOME: cliHome, XDG_CONFIG_HOME: cliHome, STRIPE_CLI_TELEMETRY_OPTOUT: '1', HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' } },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
      );
    });

  it.each(['charge.refunded', 'charge.dispute.created'])('%s: accepted and stored as ignored (the charge is no creator’s booking)', async (type) => {
    const since = t.clock.now();
    const result = await trigger(type);
    expect(result.code, result.output).toBe(0);
    const stored = await waitFor(`the triggered ${type}`, async () => {
      const rows = await db().select().from(webhookEvents).where(and(eq(webhookEvents.type, type), sql`${webhookEvents.receivedAt} >= ${since.toISOString()}::timestamptz - interval '1 minute'`, sql`${webhookEvents.status} <> 'processing'`));
      return rows.find((row) => !(row.payload as { data: { object: { metadata?: Record<string, string> } } }).data.object.metadata?.creatorId);
    });
    expect(stored.status).toBe('ignored');
    expect(stored.error).toMatch(/not a creator's booking/);
  });
});

