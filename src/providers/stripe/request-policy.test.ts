import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors/index.js';
import { createStripeClient } from './stripe-client.js';
import { StripeRequestPolicy } from './request-policy.js';

// A scripted HTTP peer answering like Stripe: each request takes the next scripted reply.
let server: Server;
let base: string;
let script: Array<{ status: number; headers?: Record<string, string>; body: unknown }> = [];
const seen: Array<{ url: string; idempotencyKey: string | undefined }> = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', idempotencyKey: req.headers['idempotency-key'] as string | undefined });
    const reply = script.shift() ?? { status: 500, body: { error: { type: 'api_error', message: 'script exhausted' } } };
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${seen.length}`, ...reply.headers });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const transfer = { id: 'tr_1', object: 'transfer', amount: 1000, currency: 'eur' };
const rateLimited = { status: 429, headers: { 'retry-after': '0' }, body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } } };

function setUp(replies: typeof script) {
  script = replies;
  seen.length = 0;
  const sleeps: number[] = [];
  const policy = new StripeRequestPolicy({
    requestsPerSecond: 1000,
    maxAttempts: 3,
    maxRateLimitedAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const stripe = createStripeClient({ secretKey: 'sk_test_policy', apiBase: base });
  const create = () => policy.run('transfers.create', () => stripe.transfers.create({ amount: 1000, currency: 'eur', destination: 'acct_1' }, { idempotencyKey: 'payouts:transfer:po_1' }));
  return { create, sleeps };
}

describe('StripeRequestPolicy over the real SDK', () => {
  it('repeats a 429 after Retry-After and a 500 with backoff, with the same idempotency key', async () => {
    const { create, sleeps } = setUp([rateLimited, { status: 500, body: { error: { type: 'api_error', message: 'boom' } } }, { status: 200, body: transfer }]);
    await expect(create()).resolves.toMatchObject({ id: 'tr_1' });
    expect(seen.map((s) => s.idempotencyKey)).toEqual(Array(3).fill('payouts:transfer:po_1'));
    // Retry-After: 0 pauses at most the jitter; then the 500's first backoff: 100 ms ± jitter.
    expect(sleeps.some((ms) => ms >= 50 && ms <= 100)).toBe(true);
    expect(sleeps.every((ms) => ms <= 350)).toBe(true);
  });

  it('gives up after maxAttempts with an AppError keeping the Stripe code', async () => {
    const { create } = setUp([rateLimited, rateLimited, rateLimited]);
    const error = await create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'STRIPE_RATE_LIMIT', kind: 'rate_limited', details: { stripeCode: 'rate_limit', transient: true } });
    expect(seen).toHaveLength(3);
  });

  it('does not repeat a business refusal, and maps it with its code', async () => {
    const { create } = setUp([
      { status: 400, body: { error: { type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds in Stripe account.' } } },
    ]);
    const error = await create().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'STRIPE_BALANCE_INSUFFICIENT',
      kind: 'unprocessable',
      details: { stripeType: 'StripeInvalidRequestError', stripeCode: 'balance_insufficient', transient: false, requestId: 'req_1' },
    });
    expect(seen).toHaveLength(1);
  });
});

describe('per-operation throttles', () => {
  it('hold one operation below its own limit', async () => {
    const policy = new StripeRequestPolicy({ requestsPerSecond: 1000, perOperation: { 'transfers.create': 20 }, maxAttempts: 1, maxRateLimitedAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 });
    const timed = async (operation: string) => {
      const start = performance.now();
      await Promise.all(Array.from({ length: 10 }, () => policy.run(operation, async () => undefined)));
      return performance.now() - start;
    };
    // A lower bound only (a busy machine is slower, never faster): 20/s in windows of 100 ms (2 per window): 10 calls need 5 windows.
    expect(await timed('transfers.create')).toBeGreaterThanOrEqual(350);
  });
});
