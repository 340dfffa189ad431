import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';
import { signWebhookPayload } from './signature.js';

let t: TestSandbox;
let stripe: Stripe;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = new Stripe('sk_test_webhooks', t.clientOptions);
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  t.sandbox.reset();
  t.sandbox.webhooks.configure({ duplicateRate: 0, outOfOrder: false, maxAttempts: 8 });
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

async function receiver(respondWith?: Parameters<typeof startWebhookReceiver>[0]) {
  const started = await startWebhookReceiver(respondWith);
  cleanups.push(started.close);
  return started;
}

describe('signatures', () => {
  test('signWebhookPayload matches what stripe.webhooks.constructEvent accepts', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'transfer.created' });
    const header = signWebhookPayload(payload, 'whsec_test', Math.floor(Date.now() / 1000));
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(stripe.webhooks.constructEvent(payload, header, 'whsec_test').id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(payload, header, 'whsec_other')).toThrow();
    const generated = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_test', timestamp: 1_700_000_000 });
    expect(signWebhookPayload(payload, 'whsec_test', 1_700_000_000)).toBe(generated);
  });
});

describe('webhook endpoints', () => {
  test('create returns the secret once; list, update, delete', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['transfer.created'], description: 'payouts' });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', enabled_events: ['transfer.created'] });
    const retrieved = await stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(retrieved.secret).toBeUndefined();
    expect((await stripe.webhookEndpoints.list()).data.map((item) => item.id)).toContain(endpoint.id);
    expect((await stripe.webhookEndpoints.update(endpoint.id, { disabled: true })).status).toBe('disabled');
    expect(await stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ id: endpoint.id, deleted: true });
    await expect(stripe.webhookEndpoints.create({ url: 'not a url', enabled_events: ['*'] })).rejects.toMatchObject({ statusCode: 400, param: 'url' });
  });
});

describe('delivery', () => {
  test('events are delivered signed; constructEvent verifies them on the raw body', async () => {
    const hook = await receiver();
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.succeeded', 'charge.succeeded'] });
    const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: 'pi-hook' });
    await t.sandbox.webhooks.idle();
    expect(hook.received.map((delivery) => delivery.event.type).sort()).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
    for (const delivery of hook.received) {
      const event = stripe.webhooks.constructEvent(delivery.rawBody, String(delivery.headers['stripe-signature']), endpoint.secret as string, 300);
      expect(event.livemode).toBe(false);
      expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    const succeeded = hook.received.find((delivery) => delivery.event.type === 'payment_intent.succeeded');
    expect(succeeded?.event.data.object.id).toBe(intent.id);
    const stored = await stripe.events.retrieve(succeeded?.event.id as string);
    expect(stored).toMatchObject({ type: 'payment_intent.succeeded', pending_webhooks: 0, request: { idempotency_key: 'pi-hook' } });
    expect(stored.request?.id).toMatch(/^req_/);
  });

  test('a non-2xx answer is retried with backoff until it succeeds', async () => {
    const hook = await receiver((_delivery, index) => (index < 2 ? 500 : 200));
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['transfer.created'] });
    const creator = await stripe.accounts.create({ type: 'standard' });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    const transfer = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: creator.id });
    await t.sandbox.webhooks.idle();
    expect(hook.received.map((delivery) => delivery.event.data.object.id)).toEqual([transfer.id, transfer.id, transfer.id]);
    const attempts = t.sandbox.webhooks.attempts();
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.succeeded])).toEqual([[1, 500, false], [2, 500, false], [3, 200, true]]);
    const deliveries = (await t.control('GET', '/_sandbox/webhooks/deliveries')).body as { data: unknown[] };
    expect(deliveries.data).toHaveLength(3);
  });

  test('an event can be redelivered on demand (POST /_sandbox/events/:id/redeliver)', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.created'] });
    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    const eventId = hook.received[0]?.event.id as string;
    expect((await t.control('POST', `/_sandbox/events/${eventId}/redeliver`)).status).toBe(200);
    await t.sandbox.webhooks.idle();
    expect(hook.received.map((delivery) => delivery.event.id)).toEqual([eventId, eventId]);
    expect((await t.control('POST', '/_sandbox/events/evt_nope/redeliver')).status).toBe(404);
  });

  test('an unreachable endpoint is retried up to maxAttempts, then given up', async () => {
    t.sandbox.webhooks.configure({ maxAttempts: 3 });
    await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/unreachable', enabled_events: ['*'] });
    await stripe.products.create({ name: 'no event' });
    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    const attempts = t.sandbox.webhooks.attempts();
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    expect(attempts.every((attempt) => attempt.status === null && attempt.error)).toBe(true);
    const event = (await stripe.events.list({ type: 'payment_intent.created', limit: 1 })).data[0];
    expect(event?.pending_webhooks).toBe(1);
  });

  test('duplicateRate 1 sends every event twice with the same id', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.created'] });
    await t.control('POST', '/_sandbox/webhooks', { duplicateRate: 1 });
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]?.event.id).toBe(hook.received[1]?.event.id);
    expect(hook.received[0]?.event.data.object.id).toBe(intent.id);
  });

  test('outOfOrder delivers a burst of events in reverse order', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['transfer.created', 'transfer.reversed'] });
    await t.control('POST', '/_sandbox/webhooks', { outOfOrder: true, reorderWindowMs: 100 });
    const creator = await stripe.accounts.create({ type: 'standard' });
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    const transfer = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: creator.id });
    await stripe.transfers.createReversal(transfer.id);
    await t.sandbox.webhooks.idle();
    expect(hook.received.map((delivery) => delivery.event.type)).toEqual(['transfer.reversed', 'transfer.created']);
  });

  test('dropRate: a lost attempt never reaches the endpoint; the retry delivers the event later', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.created'] });
    expect((await t.control('POST', '/_sandbox/webhooks', { dropRate: 0.5, initialRetryDelayMs: 20 })).body).toMatchObject({ dropRate: 0.5, maxDelayMs: 0 });
    // The sandbox's randomness (as for duplicateRate): the first attempt is lost, the retry goes through.
    vi.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValue(0.9);
    const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    expect(hook.received.map((delivery) => delivery.event.data.object.id)).toEqual([intent.id]);
    const attempts = t.sandbox.webhooks.attempts();
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.succeeded])).toEqual([[1, null, false], [2, 200, true]]);
    expect(attempts[0]?.error).toMatch(/^dropped/);
    expect(attempts[1]?.event).toBe(hook.received[0]?.event.id);
    expect((await stripe.events.retrieve(attempts[0]!.event)).pending_webhooks).toBe(0);
  });

  test('dropRate 1: every attempt is lost, retried up to maxAttempts, and the endpoint never sees the event', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.created'] });
    await t.control('POST', '/_sandbox/webhooks', { dropRate: 1, maxAttempts: 3, initialRetryDelayMs: 5 });
    await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    expect(hook.received).toEqual([]);
    const attempts = t.sandbox.webhooks.attempts();
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.succeeded])).toEqual([[1, null, false], [2, null, false], [3, null, false]]);
    expect(attempts.every((attempt) => attempt.error?.startsWith('dropped'))).toBe(true);
    expect((await stripe.events.retrieve(attempts[0]!.event)).pending_webhooks).toBe(1);
    expect((await t.control('POST', '/_sandbox/webhooks', { dropRate: 1.5 })).status).toBe(400);
    expect((await t.control('POST', '/_sandbox/webhooks', { maxDelayMs: -1 })).status).toBe(400);
  });

  test('maxDelayMs: a delayed event is overtaken by the later ones, and idle() waits for it', async () => {
    const hook = await receiver();
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded'] });
    await t.control('POST', '/_sandbox/webhooks', { maxDelayMs: 400 });
    // One request emits three events in a row: the first waits ~400 ms, the other two not at all.
    vi.spyOn(Math, 'random').mockReturnValueOnce(0.999).mockReturnValue(0);
    await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await t.sandbox.webhooks.idle();
    const emitted = (await stripe.events.list({ limit: 10 })).data.map((event) => event.type).reverse();
    expect(emitted[0]).toBe('payment_intent.created');
    const received = hook.received.map((delivery) => delivery.event.type);
    expect(received.sort()).toEqual([...emitted].sort());
    expect(hook.received.at(-1)?.event.type).toBe('payment_intent.created');
  });

  test('addWebhookEndpoint registers an endpoint in code, with a fixed secret', async () => {
    const hook = await receiver();
    const { id, secret } = t.sandbox.addWebhookEndpoint({ url: hook.url, enabledEvents: ['product.created', 'payment_intent.created'], secret: 'whsec_configured' });
    expect(id).toMatch(/^we_/);
    expect(secret).toBe('whsec_configured');
    await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await t.sandbox.webhooks.idle();
    const delivery = hook.received[0];
    expect(stripe.webhooks.constructEvent(delivery?.rawBody ?? '', String(delivery?.headers['stripe-signature']), 'whsec_configured').type).toBe('payment_intent.created');
  });

  test('Connect endpoints receive connected-account events with a top-level account; account endpoints do not', async () => {
    const platformHook = await receiver();
    const connectHook = await receiver();
    await stripe.webhookEndpoints.create({ url: platformHook.url, enabled_events: ['*'] });
    const connect = await stripe.webhookEndpoints.create({ url: connectHook.url, enabled_events: ['payout.created', 'payout.paid', 'account.updated'], connect: true });
    const creator = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await t.control('POST', `/_sandbox/accounts/${creator.id}/onboard`);
    await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    await stripe.transfers.create({ amount: 1500, currency: 'usd', destination: creator.id });
    const payout = await stripe.payouts.create({ amount: 1500, currency: 'usd' }, { stripeAccount: creator.id });
    t.sandbox.advanceClock(2 * 86_400);
    await t.sandbox.webhooks.idle();
    expect(connectHook.received.map((delivery) => delivery.event.type)).toEqual(['account.updated', 'payout.created', 'payout.paid']);
    for (const delivery of connectHook.received) {
      expect(delivery.event.account).toBe(creator.id);
      stripe.webhooks.constructEvent(delivery.rawBody, String(delivery.headers['stripe-signature']), connect.secret as string);
    }
    expect(connectHook.received[2]?.event.data.object).toMatchObject({ id: payout.id, status: 'paid' });
    expect(platformHook.received.some((delivery) => delivery.event.account !== undefined)).toBe(false);
    expect(platformHook.received.map((delivery) => delivery.event.type)).toContain('transfer.created');
  });
});
