import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { waitFor } from '../../../test/wait-for.js';
import { outboxMessages, payments, webhookEvents } from '../../db/schema/index.js';
import { verifyLedger } from '../../ledger/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { retryFailedWebhookEvents } from '../../services/webhooks/retry-failed-webhook-events.js';
import { stripeWebhookPaths } from './stripe-webhooks.js';

/**
 * The money-in path end to end: payments made in the local Stripe sandbox with the real SDK
 * arrive at the listening app as real signed webhooks (docs/webhooks.md).
 */
let t: TestApp;
let adminKey: string;
let platformKey: string;
/** A signing secret of our own, for events this file signs and posts itself. */
const ownSecret = `whsec_test_${Math.random().toString(36).slice(2)}`;
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, listen: true, env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' } });
  t.stripe.addWebhookSecret(ownSecret);
  const key = async (role: 'ADMIN' | 'PLATFORM') => (await t.database.db.transaction((tx) => createApiKey(tx, { role, name: role, actor: 'test' }, { clock: t.clock }))).key;
  adminKey = await key('ADMIN');
  platformKey = await key('PLATFORM');
});

afterEach(async () => {
  const verification = await verifyLedger(t.database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
});

afterAll(async () => {
  await t?.close();
});

const sdk = () => t.stripe.stripe;

async function paymentOf(externalId: string) {
  const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, externalId));
  return payment;
}

async function eventRow(id: string) {
  const [row] = await t.database.db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
  return row;
}

/** The stored event of `type` about object `objectId`, once its processing has finished. */
async function settledEventFor(type: string, objectId: string) {
  return waitFor(`a settled ${type} event for ${objectId}`, async () => {
    const [row] = await t.database.db
      .select()
      .from(webhookEvents)
      .where(sql`${webhookEvents.type} = ${type} and ${webhookEvents.payload} -> 'data' -> 'object' ->> 'id' = ${objectId} and ${webhookEvents.status} <> 'processing'`);
    return row;
  });
}

async function payInSandbox(input: { amount: number; currency: string; metadata: Record<string, string>; transferDestination?: string }) {
  return sdk().paymentIntents.create({
    amount: input.amount,
    currency: input.currency,
    payment_method: 'pm_card_visa',
    confirm: true,
    metadata: input.metadata,
    ...(input.transferDestination && { transfer_data: { destination: input.transferDestination } }),
  });
}

/** A Stripe event this test signs itself, as `stripe trigger` would send it. */
function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_test_${unique()}`) {
  return { id, object: 'event', api_version: '2025-01-27.acacia', created: Math.floor(t.clock.now().getTime() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

function paymentIntentObject(overrides: Record<string, unknown> = {}) {
  return {
    id: `pi_test_${unique()}`,
    object: 'payment_intent',
    amount: 7000,
    amount_received: 7000,
    currency: 'eur',
    status: 'succeeded',
    created: Math.floor(t.clock.now().getTime() / 1000),
    metadata: {},
    latest_charge: `ch_test_${unique()}`,
    receipt_email: null,
    transfer_data: null,
    ...overrides,
  };
}

function signedHeader(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  return sdk().webhooks.generateTestHeaderString({ payload, secret: options.secret ?? ownSecret, ...(options.timestamp !== undefined && { timestamp: options.timestamp }) });
}

/** POST over real HTTP (not inject), as Stripe does. */
async function postWebhook(payload: string, signature: string | undefined, path = '/api/webhooks/stripe') {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(signature !== undefined && { 'stripe-signature': signature }) },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const asAdmin = (url: string, method: 'GET' | 'POST' = 'GET') => t.app.inject({ method, url, headers: { authorization: `Bearer ${adminKey}` } });

describe(`Stripe webhooks end to end on ${testDatabaseKind}`, () => {
  it('answers the health check on the endpoint and every alias', async () => {
    for (const [path, service] of Object.entries(stripeWebhookPaths)) {
      const response = await t.app.inject({ method: 'GET', url: path });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok', service, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    }
    expect(stripeWebhookPaths['/api/webhooks/stripe-payouts']).toBe('stripe-payouts-webhook');
  });

  it('records a payment made in the sandbox as HELD with the 10 % split: 70.00 → 7.00 fee / 63.00 creator', async () => {
    const { creatorId, userId } = await insertCreator(t.database.db);
    const intent = await payInSandbox({ amount: 7000, currency: 'eur', metadata: { creatorId, bookingId: `bk_${unique()}` } });

    const event = await settledEventFor('payment_intent.succeeded', intent.id);
    expect(event).toMatchObject({ status: 'completed', attempts: 1, duplicates: 0, error: null });
    const payment = await paymentOf(intent.id);
    expect(payment).toMatchObject({
      creatorId,
      status: 'HELD',
      amount: 7000n,
      feeAmount: 700n,
      creatorAmount: 6300n,
      currency: 'eur',
      stripePaymentIntentId: intent.id,
      stripeChargeId: intent.latest_charge,
      transferredAtSource: false,
    });
    expect(payment!.payoutReleaseDate.getTime() - payment!.paidAt.getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(payment!.paidAt.getTime()).toBe(event.payload && (event.payload as { created: number }).created * 1000);
    const [message] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.received:${payment!.id}`));
    expect(message).toMatchObject({ topic: 'payment.received', recipient: `user:${userId}` });
    // The sandbox's other events about this payment (payment_intent.created, charge.succeeded) are stored and acknowledged.
    const charge = await settledEventFor('charge.succeeded', String(intent.latest_charge));
    expect(charge).toMatchObject({ status: 'ignored', error: 'no handler for charge.succeeded events' });
  });

  it.each([
    ['jpy', 999, 100n, 899n],
    ['eur', 1005, 101n, 904n],
  ])('splits %s %s into fee %s and share %s (minor units, fee rounded half up)', async (currency, amount, fee, share) => {
    const { creatorId } = await insertCreator(t.database.db, { currency });
    const intent = await payInSandbox({ amount, currency, metadata: { creatorId } });
    await settledEventFor('payment_intent.succeeded', intent.id);
    expect(await paymentOf(intent.id)).toMatchObject({ status: 'HELD', amount: BigInt(amount), feeAmount: fee, creatorAmount: share, currency });
  });

  it('records a destination charge as already transferred, never held', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const account = await sdk().accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await t.testSandbox!.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
    const intent = await payInSandbox({ amount: 5000, currency: 'eur', metadata: { creatorId }, transferDestination: account.id });
    await settledEventFor('payment_intent.succeeded', intent.id);
    expect(await paymentOf(intent.id)).toMatchObject({ status: 'PAID', transferredAtSource: true, creatorAmount: 4500n });
  });

  it('acknowledges five concurrent copies of one signed event and processes exactly one', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const intent = paymentIntentObject({ metadata: { creatorId, bookingId: `bk_${unique()}` } });
    const payload = JSON.stringify(stripeEvent('payment_intent.succeeded', intent));
    const signature = signedHeader(payload);

    const answers = await Promise.all(Array.from({ length: 5 }, () => postWebhook(payload, signature)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(4);
    expect(answers.filter((a) => a.body.duplicate === undefined)).toEqual([{ status: 200, body: { received: true } }]);

    const rows = await t.database.db.select().from(payments).where(eq(payments.externalId, intent.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'HELD', creatorAmount: 6300n });
    const { id } = JSON.parse(payload) as { id: string };
    expect(await eventRow(id)).toMatchObject({ status: 'completed', duplicates: 4, attempts: 1 });
  });

  it('accepts the event on every alias path', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    for (const path of Object.keys(stripeWebhookPaths)) {
      const intent = paymentIntentObject({ metadata: { creatorId } });
      const payload = JSON.stringify(stripeEvent('payment_intent.succeeded', intent));
      expect(await postWebhook(payload, signedHeader(payload), path)).toEqual({ status: 200, body: { received: true } });
      expect((await paymentOf(intent.id))?.status).toBe('HELD');
    }
  });

  describe('refuses what it cannot verify, with 400 and nothing stored', () => {
    const cases: Array<[string, (payload: string) => { body: string; signature: string | undefined }, string]> = [
      ['no Stripe-Signature header', (payload) => ({ body: payload, signature: undefined }), 'WEBHOOK_SIGNATURE_MISSING'],
      ['a signature made with another secret', (payload) => ({ body: payload, signature: signedHeader(payload, { secret: 'whsec_someone_else' }) }), 'WEBHOOK_SIGNATURE_INVALID'],
      ['a garbled signature header', (payload) => ({ body: payload, signature: 't=123,v1=nothex' }), 'WEBHOOK_SIGNATURE_INVALID'],
      [
        'a stale timestamp (10 minutes old)',
        (payload) => ({ body: payload, signature: signedHeader(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }) }),
        'WEBHOOK_SIGNATURE_INVALID',
      ],
      [
        'a body altered after signing',
        (payload) => ({ body: payload.replace('"amount":7000', '"amount":700000'), signature: signedHeader(payload) }),
        'WEBHOOK_SIGNATURE_INVALID',
      ],
      ['a re-serialised body (whitespace changed)', (payload) => ({ body: JSON.stringify(JSON.parse(payload), null, 2), signature: signedHeader(payload) }), 'WEBHOOK_SIGNATURE_INVALID'],
    ];
    it.each(cases)('%s', async (_name, tamper, code) => {
      const { creatorId } = await insertCreator(t.database.db);
      const intent = paymentIntentObject({ metadata: { creatorId } });
      const event = stripeEvent('payment_intent.succeeded', intent);
      const { body, signature } = tamper(JSON.stringify(event));
      expect(body === JSON.stringify(event) || code !== 'WEBHOOK_SIGNATURE_MISSING').toBe(true);

      const answer = await postWebhook(body, signature);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
      expect(await eventRow(event.id)).toBeUndefined();
      expect(await paymentOf(intent.id)).toBeUndefined();
    });

    it('a correctly signed body that is not a Stripe event', async () => {
      const payload = JSON.stringify({ hello: 'world' });
      const answer = await postWebhook(payload, signedHeader(payload));
      expect(answer).toEqual({ status: 400, body: { error: { code: 'WEBHOOK_EVENT_MALFORMED', message: expect.stringContaining('not a Stripe event') } } });
    });

    it('an empty body', async () => {
      const answer = await postWebhook('', signedHeader(''));
      expect(answer.status).toBe(400);
    });
  });

  it('stores and acknowledges an event type it does not handle', async () => {
    const event = stripeEvent('customer.created', { id: `cus_${unique()}`, object: 'customer', email: 'c@example.test' });
    const payload = JSON.stringify(event);
    expect(await postWebhook(payload, signedHeader(payload))).toEqual({ status: 200, body: { received: true } });
    expect(await eventRow(event.id)).toMatchObject({ status: 'ignored', type: 'customer.created', error: 'no handler for customer.created events', nextRetryAt: null });
  });

  it('ignores a succeeded payment intent that names no creator (not a creator booking)', async () => {
    const intent = await payInSandbox({ amount: 1500, currency: 'eur', metadata: { purpose: 'subscription' } });
    const event = await settledEventFor('payment_intent.succeeded', intent.id);
    expect(event).toMatchObject({ status: 'ignored', error: expect.stringContaining('no creatorId metadata') });
    expect(await paymentOf(intent.id)).toBeUndefined();
  });

  it('fails an event naming an unknown creator, shows it to admins, and records it on an admin retry once the creator exists', async () => {
    const creatorId = `cr_later_${unique()}`;
    const intent = await payInSandbox({ amount: 7000, currency: 'eur', metadata: { creatorId, bookingId: `bk_${unique()}` } });
    const failed = await settledEventFor('payment_intent.succeeded', intent.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(new RegExp(`^CREATOR_NOT_FOUND: No creator with id ${creatorId}`)) });
    expect(failed.nextRetryAt!.getTime()).toBeGreaterThan(failed.processedAt!.getTime());
    expect(await paymentOf(intent.id)).toBeUndefined();

    // Stripe got a 200: the sandbox does not retry it.
    const deliveries = await waitFor('the delivery log', () => {
      const attempts = t.sandbox!.webhooks.attempts().filter((attempt) => attempt.event === failed.id);
      return attempts.length > 0 && attempts;
    });
    expect(deliveries.map((d) => d.status)).toEqual([200]);

    const list = await asAdmin('/api/admin/webhooks?status=failed&type=payment_intent.succeeded');
    expect(list.statusCode).toBe(200);
    const listed = list.json();
    expect(listed.data).toContainEqual(expect.objectContaining({ id: failed.id, status: 'failed', error: expect.stringContaining('CREATOR_NOT_FOUND') }));
    expect(listed.stats.failed).toBeGreaterThanOrEqual(1);
    expect(listed.stats).toEqual({ total: expect.any(Number), processing: 0, completed: expect.any(Number), failed: expect.any(Number), ignored: expect.any(Number), duplicates: expect.any(Number) });

    await insertCreator(t.database.db, { id: creatorId });
    const retried = await asAdmin(`/api/admin/webhooks/${failed.id}/retry`, 'POST');
    expect(retried.statusCode).toBe(200);
    expect(retried.json().event).toMatchObject({ id: failed.id, status: 'completed', attempts: 2, error: null, nextRetryAt: null });
    expect(await paymentOf(intent.id)).toMatchObject({ creatorId, status: 'HELD', creatorAmount: 6300n });

    const again = await asAdmin(`/api/admin/webhooks/${failed.id}/retry`, 'POST');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('WEBHOOK_EVENT_ALREADY_COMPLETED');
  });

  it('retries a failed event with the sweep once it is due', async () => {
    const creatorId = `cr_sweep_${unique()}`;
    const intent = paymentIntentObject({ metadata: { creatorId } });
    const event = stripeEvent('payment_intent.succeeded', intent);
    const payload = JSON.stringify(event);
    expect(await postWebhook(payload, signedHeader(payload))).toEqual({ status: 200, body: { received: true } });
    const failed = await eventRow(event.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });

    await insertCreator(t.database.db, { id: creatorId });
    const early = await retryFailedWebhookEvents(t.database.db, t.app.deps);
    expect(early.eventIds).not.toContain(event.id);

    t.clock.advance((failed!.nextRetryAt!.getTime() - t.clock.now().getTime()) / 1000 + 1);
    const swept = await retryFailedWebhookEvents(t.database.db, t.app.deps);
    expect(swept.eventIds).toContain(event.id);
    expect(await eventRow(event.id)).toMatchObject({ status: 'completed', attempts: 2, nextRetryAt: null });
    expect(await paymentOf(intent.id)).toMatchObject({ status: 'HELD' });
  });

  it('shows one event with its payload, and pages the list with a cursor', async () => {
    const events = [];
    for (let i = 0; i < 3; i++) {
      const event = stripeEvent('test.paging', { id: `obj_${unique()}`, object: 'thing' });
      const payload = JSON.stringify(event);
      await postWebhook(payload, signedHeader(payload));
      events.push(event);
      t.clock.advance(1);
    }
    const one = await asAdmin(`/api/admin/webhooks/${events[0]!.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().event).toMatchObject({ id: events[0]!.id, status: 'ignored', payload: { id: events[0]!.id, type: 'test.paging' } });

    const first = (await asAdmin('/api/admin/webhooks?type=test.paging&limit=2')).json();
    expect(first.data.map((e: { id: string }) => e.id)).toEqual([events[2]!.id, events[1]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await asAdmin(`/api/admin/webhooks?type=test.paging&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toMatchObject({ data: [expect.objectContaining({ id: events[0]!.id })], nextCursor: null });

    expect((await asAdmin('/api/admin/webhooks?cursor=garbage')).json().error.code).toBe('INVALID_CURSOR');
    expect((await asAdmin('/api/admin/webhooks/evt_nope')).statusCode).toBe(404);
  });

  it('lets only admins see and retry events', async () => {
    for (const [url, method] of [
      ['/api/admin/webhooks', 'GET'],
      ['/api/admin/webhooks/evt_x', 'GET'],
      ['/api/admin/webhooks/evt_x/retry', 'POST'],
    ] as const) {
      expect((await t.app.inject({ method, url })).statusCode).toBe(401);
      expect((await t.app.inject({ method, url, headers: { authorization: `Bearer ${platformKey}` } })).statusCode).toBe(403);
    }
  });
});
