import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { waitFor } from '../../../test/wait-for.js';
import { auditEvents, outboxMessages, paymentRefunds, payments, reconciliationItems, webhookEvents } from '../../db/schema/index.js';
import { balances, creatorAccount, platformAccount, verifyLedger } from '../../ledger/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { reconcileWithStripe } from '../../services/reconciliation/reconcile-with-stripe.js';

const unique = () => Math.random().toString(36).slice(2, 10);

async function keysFor(t: TestApp) {
  const key = async (role: 'ADMIN' | 'PLATFORM') => (await t.database.db.transaction((tx) => createApiKey(tx, { role, name: role, actor: 'test' }, { clock: t.clock }))).key;
  return { platform: await key('PLATFORM'), admin: await key('ADMIN') };
}

function checkoutBody(creatorId: string, overrides: Record<string, unknown> = {}) {
  return {
    creatorId,
    bookingId: `bk_${unique()}`,
    amount: 7000,
    currency: 'eur',
    productName: '60-minute session with Ada',
    productDescription: 'Mentoring call',
    successUrl: 'https://host.example/book/complete?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'https://host.example/book/cancel',
    attendee: { name: 'Grace', email: 'grace@example.test', timeZone: 'Europe/Paris' },
    startTime: '2026-03-01T10:00:00Z',
    eventTypeId: 42,
    ...overrides,
  };
}

function routesOf(t: TestApp, keys: { platform: string }) {
  return {
    open: (body: unknown, key: string | null = keys.platform) =>
      t.app.inject({ method: 'POST', url: '/api/checkout/sessions', headers: key ? { authorization: `Bearer ${key}` } : {}, payload: body as Record<string, unknown> }),
    bookingFailed: (sessionId: string, key: string | null = keys.platform) =>
      t.app.inject({
        method: 'POST',
        url: `/api/checkout/sessions/${sessionId}/booking-failed`,
        headers: key ? { authorization: `Bearer ${key}` } : {},
        payload: { reason: 'calendar provider refused the slot' },
      }),
    pay: async (sessionId: string) => {
      const paid = await t.testSandbox!.control('POST', `/_sandbox/checkout/${sessionId}/pay`, { payment_method: 'pm_card_visa' });
      expect(paid.status).toBe(200);
      return paid.body as { payment_intent: string };
    },
  };
}

async function ledgerIsSound(t: TestApp) {
  const verification = await verifyLedger(t.database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
}

describe(`booking checkout with webhooks on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let keys: { platform: string; admin: string };
  let api: ReturnType<typeof routesOf>;

  beforeAll(async () => {
    t = await createTestApp({ sandbox: true, listen: true, env: { PAYOUT_HOLDING_HOURS: '72' } });
    keys = await keysFor(t);
    api = routesOf(t, keys);
  });
  afterEach(async () => ledgerIsSound(t));
  afterAll(async () => {
    expect(t?.testSandbox?.violations() ?? []).toEqual([]);
    await t?.close();
  });

  const settled = (type: string, objectId: string) =>
    waitFor(`${type} for ${objectId}`, async () => {
      const [row] = await t.database.db
        .select()
        .from(webhookEvents)
        .where(and(eq(webhookEvents.type, type), sql`${webhookEvents.payload} -> 'data' -> 'object' ->> 'id' = ${objectId}`, sql`${webhookEvents.status} <> 'processing'`));
      return row;
    });

  it('opens a Checkout session carrying the creator and booking, and records ONE payment when it is paid', async () => {
    const { creatorId } = await insertCreator(t.database.db, { feeBps: 1500 });
    const body = checkoutBody(creatorId);
    const opened = await api.open(body);
    expect(opened.statusCode).toBe(201);
    const checkout = opened.json();
    expect(checkout).toEqual({
      sessionId: expect.stringMatching(/^cs_test_/),
      url: expect.stringMatching(/^http/),
      expiresAt: expect.any(String),
      amount: 7000,
      currency: 'eur',
      feeAmount: 1050,
      creatorAmount: 5950,
    });

    const session = await t.stripe.stripe.checkout.sessions.retrieve(checkout.sessionId);
    expect(session.metadata).toMatchObject({
      creatorId,
      bookingId: body.bookingId,
      attendeeName: 'Grace',
      attendeeTimeZone: 'Europe/Paris',
      startTime: body.startTime,
      eventTypeId: '42',
      platformFee: '1050',
      creatorAmount: '5950',
    });
    expect(session.customer_email).toBe('grace@example.test');
    expect(session.amount_total).toBe(7000);

    // Asking again for the same booking gives the same session (idempotency key from the booking id).
    expect((await api.open(body)).json().sessionId).toBe(checkout.sessionId);

    const { payment_intent: intentId } = await api.pay(checkout.sessionId);
    const [intentEvent, sessionEvent] = await Promise.all([settled('payment_intent.succeeded', intentId), settled('checkout.session.completed', checkout.sessionId)]);
    expect([intentEvent.status, sessionEvent.status]).toEqual(['completed', 'completed']);

    const rows = await t.database.db.select().from(payments).where(eq(payments.bookingId, body.bookingId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      externalId: intentId,
      stripePaymentIntentId: intentId,
      stripeCheckoutSessionId: checkout.sessionId,
      customerEmail: 'grace@example.test',
      creatorId,
      status: 'HELD',
      amount: 7000n,
      feeAmount: 1050n,
      creatorAmount: 5950n,
    });
    expect(rows[0]!.payoutReleaseDate.getTime() - rows[0]!.paidAt.getTime()).toBe(72 * 3600 * 1000);

    const again = await api.open(checkoutBody(creatorId, { bookingId: body.bookingId, amount: 8000 }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('BOOKING_ALREADY_PAID');
  });

  it('refunds a paid booking the host could not create, once, and queues the customer notice', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const body = checkoutBody(creatorId, { customerEmail: 'payer@example.test' });
    const { sessionId } = (await api.open(body)).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    await settled('checkout.session.completed', sessionId);
    await settled('payment_intent.succeeded', intentId);

    const held = creatorAccount(creatorId, 'held', 'eur');
    expect((await balances(t.database.db, [held])).get(held.code)).toBe(6300n);
    const platformBefore = await balances(t.database.db, [platformAccount('fees', 'eur'), platformAccount('refunds', 'eur')]);

    const first = await api.bookingFailed(sessionId);
    expect(first.statusCode).toBe(200);
    const refunded = first.json();
    expect(refunded).toMatchObject({
      payment: { status: 'REFUNDED', amount: 7000, refundedAmount: 7000, bookingId: body.bookingId },
      refund: { id: expect.stringMatching(/^re_/), amount: 7000, currency: 'eur' },
      alreadyRefunded: false,
    });

    const second = await api.bookingFailed(sessionId);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ payment: { status: 'REFUNDED' }, refund: { id: refunded.refund.id }, alreadyRefunded: true });

    const stripeRefunds = await t.stripe.stripe.refunds.list({ payment_intent: intentId });
    expect(stripeRefunds.data).toHaveLength(1);
    expect(stripeRefunds.data[0]).toMatchObject({ id: refunded.refund.id, amount: 7000 });

    const after = await balances(t.database.db, [held, platformAccount('fees', 'eur'), platformAccount('refunds', 'eur')]);
    expect(after.get(held.code)).toBe(0n);
    expect(after.get('platform:fees:eur')).toBe(platformBefore.get('platform:fees:eur')! - 700n);
    expect(after.get('platform:refunds:eur')).toBe(platformBefore.get('platform:refunds:eur'));

    const messages = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, 'booking.refunded'));
    const ours = messages.filter((m) => m.payload.paymentId === refunded.payment.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ recipient: 'email:payer@example.test', payload: { refundId: refunded.refund.id, amount: '7000', currency: 'eur', bookingId: body.bookingId } });
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, refunded.payment.id), eq(auditEvents.action, 'payment.refunded')))
      .orderBy(auditEvents.id);
    const byThisCall = { toStatus: 'REFUNDED', amount: 7000n, reason: 'calendar provider refused the slot', actor: expect.stringMatching(/^api_key:/) };
    // The sandbox sends the refund's charge.refunded as soon as it makes it, so the webhook may book
    // it before this call's transaction does (seen in CI on PostgreSQL): then the webhook recorded
    // HELD → CANCELLED and this call only the status, once — the balances above show one booking.
    if (audit.length === 2) {
      expect(audit).toMatchObject([
        { fromStatus: 'HELD', toStatus: 'CANCELLED', amount: 7000n, actor: 'stripe', metadata: { refundId: refunded.refund.id } },
        { ...byThisCall, fromStatus: 'CANCELLED' },
      ]);
    } else {
      expect(audit).toMatchObject([{ ...byThisCall, fromStatus: 'HELD' }]);
    }
  });

  it("when the refund's webhook booked it first (a call that crashed after Stripe made it), the retry only finishes it", async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const { sessionId } = (await api.open(checkoutBody(creatorId, { customerEmail: 'payer@example.test' }))).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    await settled('payment_intent.succeeded', intentId);
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, intentId));
    const fees = platformAccount('fees', 'eur');
    const feesBefore = (await balances(t.database.db, [fees])).get(fees.code)!;

    // The crashed call's refund, made with its idempotency key; its charge.refunded books it.
    const made = await t.stripe.createRefund({ paymentId: payment!.id, refundRequestId: 'booking-failed', paymentIntentId: intentId, reason: 'requested_by_customer' });
    await waitFor('the webhook books the refund', async () => {
      const [row] = await t.database.db.select().from(payments).where(and(eq(payments.id, payment!.id), eq(payments.status, 'CANCELLED')));
      return row;
    });

    const retried = await api.bookingFailed(sessionId);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ payment: { status: 'REFUNDED', refundedAmount: 7000 }, refund: { id: made.id, amount: 7000 }, alreadyRefunded: false });
    expect((await t.stripe.stripe.refunds.list({ payment_intent: intentId })).data).toHaveLength(1);

    const held = creatorAccount(creatorId, 'held', 'eur');
    const after = await balances(t.database.db, [held, fees]);
    expect(after.get(held.code) ?? 0n).toBe(0n);
    expect(after.get(fees.code)).toBe(feesBefore - 700n);
    const booked = await t.database.db.select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, payment!.id));
    expect(booked).toMatchObject([{ id: made.id, amount: 7000n, source: 'webhook' }]);
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, payment!.id), eq(auditEvents.action, 'payment.refunded')))
      .orderBy(auditEvents.id);
    expect(audit).toMatchObject([
      { fromStatus: 'HELD', toStatus: 'CANCELLED', actor: 'stripe' },
      { fromStatus: 'CANCELLED', toStatus: 'REFUNDED', amount: 7000n, actor: expect.stringMatching(/^api_key:/), metadata: { refundId: made.id } },
    ]);
    const messages = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, 'booking.refunded'));
    expect(messages.filter((m) => m.payload.paymentId === payment!.id)).toMatchObject([{ recipient: 'email:payer@example.test', payload: { refundId: made.id, amount: '7000' } }]);
  });

  it('after an admin refunded part of it: refunds and books only the rest, and the reconciliation pairs that refund', async () => {
    // Found by the simulation (seed 26): the rest was refunded at Stripe and the whole amount booked again.
    const { creatorId } = await insertCreator(t.database.db);
    const started = t.clock.now();
    const { sessionId } = (await api.open(checkoutBody(creatorId, { amount: 17608, currency: 'usd' }))).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    await settled('checkout.session.completed', sessionId);
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, intentId));
    const accounts = [creatorAccount(creatorId, 'held', 'usd'), creatorAccount(creatorId, 'receivable', 'usd'), platformAccount('fees', 'usd'), platformAccount('refunds', 'usd')];
    const before = await balances(t.database.db, accounts);

    const partial = await t.app.inject({
      method: 'POST',
      url: `/api/admin/payments/${payment!.id}/refund`,
      headers: { authorization: `Bearer ${keys.admin}` },
      payload: { amount: 10103, reason: 'part of the session was cancelled', requestId: `partial-${unique()}` },
    });
    expect(partial.statusCode).toBe(200);
    // Its charge.refunded is lost on the way (so it cannot book the refund first): the booking-failed path books it.
    await t.testSandbox!.sandbox.webhooks.idle();
    await t.testSandbox!.control('POST', '/_sandbox/webhooks', { dropRate: 1, maxAttempts: 1 });
    const failed = await api.bookingFailed(sessionId).finally(() => t.testSandbox!.control('POST', '/_sandbox/webhooks', { dropRate: 0, maxAttempts: 8 }));
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ payment: { status: 'REFUNDED', refundedAmount: 17608 }, refund: { amount: 7505, currency: 'usd' }, alreadyRefunded: false });
    const atStripe = (await t.stripe.stripe.refunds.list({ payment_intent: intentId })).data;
    expect(atStripe.map((r) => r.amount).sort()).toEqual([10103, 7505].sort());

    // Both refunds together took the creator's whole share (6300 of 7000 → 15847 of 17608) and the whole fee, once.
    const after = await balances(t.database.db, accounts);
    const change = (code: string) => (after.get(code) ?? 0n) - (before.get(code) ?? 0n);
    expect(change(`creator:${creatorId}:held:usd`)).toBe(-payment!.creatorAmount);
    expect(change(`creator:${creatorId}:receivable:usd`)).toBe(0n);
    expect(change('platform:fees:usd')).toBe(-payment!.feeAmount);
    expect(change('platform:refunds:usd')).toBe(0n);
    const [message] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `booking.refunded:${payment!.id}`));
    expect(message?.payload).toMatchObject({ amount: '7505' });

    const run = await reconcileWithStripe(t.database.db, t, { since: new Date(started.getTime() - 60_000), until: new Date(t.clock.now().getTime() + 1000), actor: 'system:test' });
    const items = await t.database.db.select().from(reconciliationItems).where(and(eq(reconciliationItems.runId, run.id), eq(reconciliationItems.kind, 'refund')));
    const bookingRefund = items.find((item) => item.stripeId === failed.json().refund.id);
    expect(bookingRefund).toMatchObject({ class: 'matched', localType: 'payment', localId: payment!.id, localAmount: 7505n, matchedBy: 'metadata' });
  });

  it('books a refund Stripe made that the webhooks have not booked yet under its own id first, then the rest', async () => {
    // Found by the simulation (seed 78): a refund made at Stripe just before (a crash after Stripe made it, its
    // charge.refunded still on the way) was booked inside the booking-failed refund, and then ignored.
    const { creatorId } = await insertCreator(t.database.db);
    const started = t.clock.now();
    const { sessionId } = (await api.open(checkoutBody(creatorId, { amount: 32906, currency: 'usd' }))).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    await settled('checkout.session.completed', sessionId);
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, intentId));
    await t.testSandbox!.sandbox.webhooks.idle();
    await t.testSandbox!.control('POST', '/_sandbox/webhooks', { dropRate: 1, maxAttempts: 1 });
    let failed;
    try {
      const unbooked = await t.stripe.stripe.refunds.create({ payment_intent: intentId, amount: 2011, metadata: { paymentId: payment!.id, refundRequestId: 'crashed' } });
      failed = await api.bookingFailed(sessionId);
      expect(failed.statusCode).toBe(200);
      expect(failed.json()).toMatchObject({ payment: { status: 'REFUNDED', refundedAmount: 32906 }, refund: { amount: 30895 } });
      const rows = await t.database.db.select().from(paymentRefunds).where(eq(paymentRefunds.paymentId, payment!.id));
      expect(rows).toMatchObject([{ id: unbooked.id, amount: 2011n, source: 'webhook' }]);
    } finally {
      await t.testSandbox!.control('POST', '/_sandbox/webhooks', { dropRate: 0, maxAttempts: 8 });
    }
    const held = creatorAccount(creatorId, 'held', 'usd');
    expect((await balances(t.database.db, [held])).get(held.code) ?? 0n).toBe(0n);

    const run = await reconcileWithStripe(t.database.db, t, { since: new Date(started.getTime() - 60_000), until: new Date(t.clock.now().getTime() + 1000), actor: 'system:test' });
    const items = await t.database.db.select().from(reconciliationItems).where(and(eq(reconciliationItems.runId, run.id), eq(reconciliationItems.kind, 'refund')));
    const ours = items.filter((item) => item.localId === payment!.id || (item.localType === 'refund' && item.stripeAmount === 2011n));
    expect(ours.map((item) => [item.stripeAmount, item.class]).sort()).toEqual([[2011n, 'matched'], [30895n, 'matched']].sort());
  });

  it('refunds once when the host reports the failure twice at the same moment', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const { sessionId } = (await api.open(checkoutBody(creatorId))).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    await settled('checkout.session.completed', sessionId);

    const answers = await Promise.all([api.bookingFailed(sessionId), api.bookingFailed(sessionId)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect(answers.map((a) => a.json().alreadyRefunded).sort()).toEqual([false, true]);
    expect((await t.stripe.stripe.refunds.list({ payment_intent: intentId })).data).toHaveLength(1);
  });

  it('refuses a session that is not paid, or unknown', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const { sessionId } = (await api.open(checkoutBody(creatorId))).json();
    const unpaid = await api.bookingFailed(sessionId);
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json().error.code).toBe('CHECKOUT_SESSION_NOT_PAID');
    const unknown = await api.bookingFailed('cs_test_doesnotexist');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CHECKOUT_SESSION_NOT_FOUND');
  });

  it('validates the body and answers in the error model, calling Stripe for nothing', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const sessionsBefore = (await t.stripe.stripe.checkout.sessions.list({ limit: 100 })).data.length;
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ amount: 70.5 }, 400, 'VALIDATION_ERROR'],
      [{ amount: '7000' }, 400, 'VALIDATION_ERROR'],
      [{ amount: 0 }, 400, 'VALIDATION_ERROR'],
      [{ currency: 'euro' }, 400, 'VALIDATION_ERROR'],
      [{ currency: 'xyz' }, 400, 'VALIDATION_ERROR'],
      [{ successUrl: 'javascript:alert(1)' }, 400, 'VALIDATION_ERROR'],
      [{ productName: '' }, 400, 'VALIDATION_ERROR'],
      [{ surprise: true }, 400, 'VALIDATION_ERROR'],
      [{ creatorId: 'cr_nobody' }, 422, 'CREATOR_NOT_FOUND'],
    ];
    for (const [overrides, status, code] of cases) {
      const response = await api.open(checkoutBody(creatorId, overrides));
      expect({ overrides, status: response.statusCode, code: response.json().error?.code }).toEqual({ overrides, status, code });
    }
    expect((await t.stripe.stripe.checkout.sessions.list({ limit: 100 })).data.length).toBe(sessionsBefore);
  });

  it('is for host platforms only', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    expect((await api.open(checkoutBody(creatorId), null)).statusCode).toBe(401);
    expect((await api.open(checkoutBody(creatorId), keys.admin)).statusCode).toBe(403);
    expect((await api.bookingFailed('cs_test_x', null)).statusCode).toBe(401);
    expect((await api.bookingFailed('cs_test_x', keys.admin)).statusCode).toBe(403);
  });
});

describe(`booking-failed before any webhook arrived on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let api: ReturnType<typeof routesOf>;

  beforeAll(async () => {
    // No `listen`: no webhook endpoint is registered, so the payment is known only to Stripe.
    t = await createTestApp({ sandbox: true });
    api = routesOf(t, await keysFor(t));
  });
  afterEach(async () => ledgerIsSound(t));
  afterAll(async () => {
    await t?.close();
  });

  it('records the payment from the session and its payment intent, then refunds it', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const body = checkoutBody(creatorId);
    const { sessionId } = (await api.open(body)).json();
    const { payment_intent: intentId } = await api.pay(sessionId);
    expect(await t.database.db.select().from(payments).where(eq(payments.externalId, intentId))).toEqual([]);

    const response = await api.bookingFailed(sessionId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ payment: { status: 'REFUNDED', externalId: intentId, bookingId: body.bookingId, creatorAmount: 6300 }, alreadyRefunded: false });
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, intentId));
    expect(payment).toMatchObject({ stripeCheckoutSessionId: sessionId, customerEmail: 'grace@example.test', status: 'REFUNDED' });
    expect((await t.stripe.stripe.refunds.list({ payment_intent: intentId })).data).toHaveLength(1);
    const [message] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `booking.refunded:${payment!.id}`));
    expect(message).toMatchObject({ recipient: 'email:grace@example.test' });
    const held = creatorAccount(creatorId, 'held', 'eur');
    expect((await balances(t.database.db, [held])).get(held.code)).toBe(0n);
  });
});
