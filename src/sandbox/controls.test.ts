import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runSandboxCommand } from './index.js';
import { startTestSandbox, type TestSandbox } from './testing/test-sandbox.js';

let t: TestSandbox;
let stripe: Stripe;

beforeAll(async () => {
  t = await startTestSandbox();
  stripe = new Stripe('sk_test_controls', t.clientOptions);
});
afterEach(async () => {
  await t.control('DELETE', '/_sandbox/failures');
  await t.control('POST', '/_sandbox/rate-limit', { enabled: false });
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.sandbox.close();
});

async function fundedCreator(): Promise<Stripe.Account> {
  const creator = await stripe.accounts.create({ type: 'standard' });
  await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
  return creator;
}

describe('failure injection', () => {
  test('a fixed error on one endpoint, for a number of times', async () => {
    const rule = await t.control('POST', '/_sandbox/failures', { method: 'POST', path: '/v1/transfers', error: { status: 500 }, times: 1 });
    expect(rule.status).toBe(201);
    const creator = await fundedCreator();
    await expect(stripe.transfers.create({ amount: 100, currency: 'usd', destination: creator.id })).rejects.toMatchObject({ statusCode: 500, type: 'StripeAPIError' });
    const transfer = await stripe.transfers.create({ amount: 100, currency: 'usd', destination: creator.id });
    expect(transfer.amount).toBe(100);
    expect((await stripe.balance.retrieve()).object).toBe('balance');
  });

  test('a Stripe-shaped error of any status and code, for a path prefix', async () => {
    await t.control('POST', '/_sandbox/failures', { path: '/v1/payouts*', error: { status: 400, code: 'account_invalid', message: 'Injected' } });
    await expect(stripe.payouts.list()).rejects.toMatchObject({ statusCode: 400, code: 'account_invalid', message: 'Injected' });
    expect((await stripe.transfers.list()).object).toBe('list');
  });

  test('an error rate fails about that share of requests', async () => {
    await t.control('POST', '/_sandbox/failures', { path: '/v1/balance', errorRate: 0.5, error: { status: 503 } });
    let failures = 0;
    for (let index = 0; index < 40; index++) {
      await stripe.balance.retrieve().catch(() => failures++);
    }
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(35);
  });

  test('latency delays the answer', async () => {
    await t.control('POST', '/_sandbox/failures', { path: '/v1/balance', latencyMs: 300 });
    const started = Date.now();
    await stripe.balance.retrieve();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  test('timeout "after": the transfer is made but the answer is lost; the retry with the same key gets it back', async () => {
    const creator = await fundedCreator();
    // times: 2 — the SDK itself retries a closed connection once (same key), so drop both answers.
    await t.control('POST', '/_sandbox/failures', { method: 'POST', path: '/v1/transfers', timeout: 'after', times: 2 });
    const params = { amount: 700, currency: 'usd', destination: creator.id, metadata: { payout: 'crash' } };
    await expect(stripe.transfers.create(params, { idempotencyKey: 'payout-crash' })).rejects.toMatchObject({ type: 'StripeConnectionError' });
    const retried = await stripe.transfers.create(params, { idempotencyKey: 'payout-crash' });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    const made = (await stripe.transfers.list({ destination: creator.id })).data;
    expect(made.map((transfer) => transfer.id)).toEqual([retried.id]);
  });

  test('timeout "before": nothing happens and the client times out', async () => {
    const creator = await fundedCreator();
    await t.control('POST', '/_sandbox/failures', { method: 'POST', path: '/v1/transfers', timeout: 'before', times: 2 });
    const impatient = new Stripe('sk_test_controls', { ...t.clientOptions, timeout: 300 });
    await expect(impatient.transfers.create({ amount: 700, currency: 'usd', destination: creator.id })).rejects.toMatchObject({ type: 'StripeConnectionError' });
    expect((await stripe.transfers.list({ destination: creator.id })).data).toEqual([]);
  });

  test('a second request with the same key while the first is still running gets 409 idempotency_error', async () => {
    await t.control('POST', '/_sandbox/failures', { method: 'POST', path: '/v1/products', latencyMs: 300 });
    const [first, second] = await Promise.allSettled([
      stripe.products.create({ name: 'slow' }, { idempotencyKey: 'in-flight' }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => stripe.products.create({ name: 'slow' }, { idempotencyKey: 'in-flight' })),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { statusCode: 409, rawType: 'idempotency_error', code: 'idempotency_key_in_use' } });
  });

  test('rules are listed and removable; bad rules are refused', async () => {
    const created = (await t.control('POST', '/_sandbox/failures', { path: '/v1/balance', latencyMs: 1 })).body as { id: string };
    expect(((await t.control('GET', '/_sandbox/failures')).body as { data: unknown[] }).data).toHaveLength(1);
    expect((await t.control('DELETE', `/_sandbox/failures/${created.id}`)).status).toBe(200);
    expect((await t.control('POST', '/_sandbox/failures', { path: 'no-slash' })).status).toBe(400);
  });
});

describe('rate limit', () => {
  test('off by default; when on, more than 25 requests in a second get Stripe 429', async () => {
    const off = await Promise.all(Array.from({ length: 40 }, () => stripe.balance.retrieve().then(() => 'ok', (error: { statusCode?: number }) => error.statusCode)));
    expect(off.every((result) => result === 'ok')).toBe(true);
    expect((await t.control('POST', '/_sandbox/rate-limit', { enabled: true })).body).toEqual({ enabled: true, requestsPerSecond: 25 });
    const results = await Promise.all(Array.from({ length: 40 }, () => stripe.balance.retrieve().then(() => 'ok', (error: unknown) => error)));
    const limited = results.filter((result) => result !== 'ok');
    // 25 pass in the first second (a few more only if this loaded machine spreads the burst over >1 s).
    expect(results.filter((result) => result === 'ok').length).toBeGreaterThanOrEqual(25);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited[0]).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect((limited[0] as Stripe.errors.StripeError).headers?.['retry-after']).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await stripe.balance.retrieve()).object).toBe('balance');
  });
});

describe('reset', () => {
  test('forgets every object but keeps the platform account (and webhook endpoints when asked)', async () => {
    const platform = t.sandbox.platformAccountId;
    await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/x', enabled_events: ['*'] });
    await t.control('POST', '/_sandbox/reset', { keepWebhookEndpoints: true });
    expect((await stripe.paymentIntents.list()).data).toEqual([]);
    expect((await stripe.webhookEndpoints.list()).data.map((item) => item.id)).toEqual([endpoint.id]);
    expect((await stripe.accounts.retrieveCurrent()).id).toBe(platform);
    await t.control('POST', '/_sandbox/reset', {});
    expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
  });
});

describe('runSandboxCommand', () => {
  test('starts a standalone sandbox and logs its URL', async () => {
    const lines: string[] = [];
    const sandbox = await runSandboxCommand({ port: 0, log: (line) => lines.push(line), handleSignals: false });
    try {
      expect(lines[0]).toContain(`Stripe sandbox listening on ${sandbox.url}`);
      const health = (await (await fetch(`${sandbox.url}/_sandbox/health`)).json()) as { ok: boolean; platform_account: string };
      expect(health).toMatchObject({ ok: true, platform_account: sandbox.platformAccountId });
    } finally {
      await sandbox.close();
    }
  });
});
