import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox.js';

let t: TestSandbox;
let stripe: Stripe;

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = new Stripe('sk_test_pipeline', t.clientOptions);
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

async function raw(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: { error?: Record<string, unknown> } & Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', 'Bearer sk_test_pipeline');
  let body = init.body;
  if (init.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${t.sandbox.url}${path}`, { ...init, headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: Record<string, unknown> } };
}

describe('authentication', () => {
  test('a missing API key gets Stripe 401', async () => {
    const response = await raw('/v1/balance', { headers: { authorization: '' } });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(String(response.body.error?.message)).toContain('You did not provide an API key');
  });

  test('a live or malformed key gets 401 through the SDK (StripeAuthenticationError)', async () => {
    const live = new Stripe('sk_live_nope1234567890', t.clientOptions);
    await expect(live.balance.retrieve()).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
  });

  test('Basic auth with the key as user name works, like curl -u sk_test_…:', async () => {
    const response = await raw('/v1/balance', { headers: { authorization: `Basic ${Buffer.from('sk_test_pipeline:').toString('base64')}` } });
    expect(response.status).toBe(200);
  });
});

describe('wire format', () => {
  test('echoes Stripe-Version and sends a Request-Id', async () => {
    const response = await raw('/v1/balance', { headers: { 'stripe-version': '2024-04-10' } });
    expect(response.headers.get('stripe-version')).toBe('2024-04-10');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  test('an unknown URL gets Stripe 404 "Unrecognized request URL"', async () => {
    const response = await raw('/v1/nothing_here');
    expect(response.status).toBe(404);
    expect(String(response.body.error?.message)).toContain('Unrecognized request URL (GET: /v1/nothing_here)');
  });

  test('missing and malformed parameters give 400 with code and param', async () => {
    await expect(stripe.transfers.create({ currency: 'usd', destination: 'acct_x' } as unknown as Stripe.TransferCreateParams)).rejects.toMatchObject({
      statusCode: 400, type: 'StripeInvalidRequestError', code: 'parameter_missing', param: 'amount',
    });
    const response = await raw('/v1/payment_intents', { method: 'POST', form: { amount: 'ten', currency: 'usd' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
  });

  test('JSON bodies are refused, as Stripe only takes form encoding', async () => {
    const response = await raw('/v1/payment_intents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 500, currency: 'usd' }) });
    expect(response.status).toBe(400);
    expect(String(response.body.error?.message)).toContain('unsupported Content-Type application/json');
  });

  test('an unknown id gets 404 resource_missing', async () => {
    await expect(stripe.transfers.retrieve('tr_doesnotexist')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such transfer: 'tr_doesnotexist'" });
  });

  test('metadata set through bracket notation comes back as an object, and "" unsets a key', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'eur', metadata: { order: '42', note: 'x' } });
    expect(intent.metadata).toEqual({ order: '42', note: 'x' });
    const updated = await stripe.paymentIntents.update(intent.id, { metadata: { note: '' } });
    expect(updated.metadata).toEqual({ order: '42' });
  });
});

describe('lists', () => {
  test('paginate newest first with has_more, starting_after and ending_before', async () => {
    const created: string[] = [];
    for (let index = 0; index < 5; index++) created.push((await stripe.products.create({ name: `p${index}` })).id);
    const newestFirst = [...created].reverse();
    const first = await stripe.products.list({ limit: 2 });
    expect(first.object).toBe('list');
    expect(first.url).toBe('/v1/products');
    expect(first.data.map((product) => product.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);
    const second = await stripe.products.list({ limit: 2, starting_after: first.data[1]?.id });
    expect(second.data.map((product) => product.id)).toEqual(newestFirst.slice(2, 4));
    const back = await stripe.products.list({ limit: 2, ending_before: second.data[0]?.id });
    expect(back.data.map((product) => product.id)).toEqual(newestFirst.slice(0, 2));
    const all: string[] = [];
    for await (const product of stripe.products.list({ limit: 2 })) all.push(product.id);
    expect(all.slice(0, 5)).toEqual(newestFirst);
  });

  test('limit outside 1..100 is refused', async () => {
    await expect(stripe.products.list({ limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
  });
});

describe('expand', () => {
  test('expands nested ids, including inside lists (data.…)', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1200, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, expand: ['latest_charge.balance_transaction', 'payment_method'],
    });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge.object).toBe('charge');
    expect((charge.balance_transaction as Stripe.BalanceTransaction).object).toBe('balance_transaction');
    expect((intent.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');
    const list = await stripe.charges.list({ payment_intent: intent.id, expand: ['data.balance_transaction'] });
    expect((list.data[0]?.balance_transaction as Stripe.BalanceTransaction).amount).toBe(1200);
  });

  test('a field that cannot be expanded is a 400', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd' });
    await expect(stripe.paymentIntents.retrieve(intent.id, { expand: ['currency'] })).rejects.toMatchObject({ statusCode: 400, param: 'expand' });
  });
});

describe('idempotency keys', () => {
  test('same key and same parameters replay the saved response with Idempotent-Replayed', async () => {
    const form = { amount: '700', currency: 'usd', 'metadata[payout]': 'p1' };
    const first = await raw('/v1/payment_intents', { method: 'POST', form, headers: { 'idempotency-key': 'key-replay' } });
    const second = await raw('/v1/payment_intents', { method: 'POST', form, headers: { 'idempotency-key': 'key-replay' } });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const intents = await stripe.paymentIntents.list({ limit: 100 });
    expect(intents.data.filter((intent) => intent.metadata.payout === 'p1')).toHaveLength(1);
  });

  test('through the SDK: a retried transfer with the same key returns the same transfer', async () => {
    const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'sdk-key' });
    const b = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'sdk-key' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  test('errors are saved and replayed too', async () => {
    const form = { amount: '999999', currency: 'usd', destination: 'acct_missing' };
    const first = await raw('/v1/transfers', { method: 'POST', form, headers: { 'idempotency-key': 'key-error' } });
    const second = await raw('/v1/transfers', { method: 'POST', form, headers: { 'idempotency-key': 'key-error' } });
    expect(first.status).toBe(400);
    expect(second.status).toBe(400);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  test('same key with other parameters is a 400 idempotency_error', async () => {
    await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'key-conflict' });
    await expect(stripe.paymentIntents.create({ amount: 200, currency: 'usd' }, { idempotencyKey: 'key-conflict' })).rejects.toMatchObject({
      statusCode: 400, type: 'StripeIdempotencyError',
    });
  });

  test('keys are scoped per account and expire after 24 hours of sandbox time', async () => {
    const a = await stripe.paymentIntents.create({ amount: 300, currency: 'usd' }, { idempotencyKey: 'key-expiry' });
    t.sandbox.advanceClock(24 * 3600 + 1);
    const b = await stripe.paymentIntents.create({ amount: 300, currency: 'usd' }, { idempotencyKey: 'key-expiry' });
    expect(b.id).not.toBe(a.id);
  });
});

describe('Stripe-Account', () => {
  test('an account that is not connected to the platform is refused', async () => {
    await expect(stripe.balance.retrieve({}, { stripeAccount: 'acct_unknown' })).rejects.toMatchObject({ code: 'account_invalid' });
  });

  test('connected accounts cannot read each other\'s objects, nor the platform\'s', async () => {
    const one = await stripe.accounts.create({ type: 'custom', country: 'US', capabilities: { transfers: { requested: true } } });
    const two = await stripe.accounts.create({ type: 'custom', country: 'US', capabilities: { transfers: { requested: true } } });
    const product = await stripe.products.create({ name: 'owned by one' }, { stripeAccount: one.id });
    await expect(stripe.products.retrieve(product.id, {}, { stripeAccount: two.id })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(stripe.products.retrieve(product.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.products.retrieve(product.id, {}, { stripeAccount: one.id })).id).toBe(product.id);
    expect((await stripe.products.list({ limit: 100 }, { stripeAccount: two.id })).data).toEqual([]);
    await expect(stripe.accounts.retrieve(one.id, {}, { stripeAccount: two.id })).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.accounts.retrieveCurrent({}, { stripeAccount: one.id })).id).toBe(one.id);
  });
});
