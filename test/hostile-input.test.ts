import { Writable } from 'node:stream';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { apiKeys, payments, users, webhookEvents } from '../src/db/schema/index.js';
import { MAX_AMOUNT_MINOR } from '../src/domain/money/index.js';
import { buildApp, type App } from '../src/http/app.js';
import { errorReplySchema } from '../src/http/error-handler.js';
import { createLogger } from '../src/http/logger.js';
import { verifyLedger } from '../src/ledger/index.js';
import { signWebhookPayload } from '../src/sandbox/index.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import { createTestApp, type TestApp } from './app.js';
import { createTestDatabase, testDatabaseKind } from './database.js';
import { insertCreator, paymentIntentSucceededEvent } from './fixtures.js';
import { createPrincipals, type TestPrincipals } from './principals.js';

/**
 * Issue 15 §1, finding by finding, against the running service: hostile input gets a 4xx in the
 * error format and changes nothing (docs/security.md). `test/route-fuzz.test.ts` walks every route
 * with generated input; these are the cases found by hand, kept as regressions.
 */
const WEBHOOK_SECRET = 'whsec_hostile_input_0123456789';

let t: TestApp;
let who: TestPrincipals;

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, PLATFORM_FEE_PERCENTAGE: '10' } });
  who = await createPrincipals(t);
});

afterAll(async () => {
  await t?.close();
});

type Reply = Awaited<ReturnType<App['inject']>>;

/** A 4xx in the error model with this code; returns the error. */
function expectRefused(reply: Reply, status: number, code: string) {
  expect({ status: reply.statusCode, body: reply.body.slice(0, 300) }).toMatchObject({ status });
  const body = errorReplySchema.parse(reply.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

const stripeAccounts = () => t.sandbox!.state.list('account', null).length;
const rows = async (table: typeof users | typeof payments | typeof apiKeys | typeof webhookEvents) => (await t.database.db.select({ n: count() }).from(table))[0]!.n;

function postEvent(event: unknown, options: { signedAt?: number; payload?: string } = {}) {
  const payload = options.payload ?? JSON.stringify(event);
  const signedAt = options.signedAt ?? Math.floor(Date.now() / 1000);
  return t.app.inject({
    method: 'POST',
    url: '/api/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': signWebhookPayload(payload, WEBHOOK_SECRET, signedAt) },
    payload,
  });
}

describe(`text PostgreSQL cannot store is a 400 INVALID_TEXT that changes nothing, on ${testDatabaseKind}`, () => {
  it('a NUL in the login email', async () => {
    const error = expectRefused(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ana\u0000@example.test', password: 'whatever-password' } }), 400, 'INVALID_TEXT');
    expect(error).toMatchObject({
      message: 'Invalid body: email contains a NUL character (\\u0000), which text cannot hold.',
      details: { reason: 'nul', issues: [{ in: 'body', param: 'email' }] },
    });
  });

  it("a NUL in a new creator's name: refused before Stripe is called, so no orphan Express account", async () => {
    const [accountsBefore, usersBefore] = [stripeAccounts(), await rows(users)];
    const reply = await t.app.inject({ method: 'POST', url: '/api/creators', headers: who.headers.platform, payload: { email: 'nul-name@example.test', name: 'Ana\u0000Lyst' } });
    expect(expectRefused(reply, 400, 'INVALID_TEXT').details).toMatchObject({ issues: [{ in: 'body', param: 'name' }] });
    expect([stripeAccounts(), await rows(users)]).toEqual([accountsBefore, usersBefore]);
  });

  it('a NUL in payment ids and metadata, keys included', async () => {
    const before = await rows(payments);
    const payment = { creatorId: who.creator.creatorId, externalId: 'ext_ok', amount: 1000, currency: 'eur' };
    for (const [body, param] of [
      [{ ...payment, externalId: 'ext\u0000' }, 'externalId'],
      [{ ...payment, creatorId: `${who.creator.creatorId}\u0000` }, 'creatorId'],
      [{ ...payment, bookingId: 'bk\u0000' }, 'bookingId'],
      [{ ...payment, metadata: { note: 'a\u0000b' } }, 'metadata.note'],
      [{ ...payment, metadata: { 'k\u0000': 'v' } }, 'metadata.k\\u0000'],
    ] as const) {
      const reply = await t.app.inject({ method: 'POST', url: '/api/payments', headers: who.headers.platform, payload: body });
      expect(expectRefused(reply, 400, 'INVALID_TEXT').details).toMatchObject({ issues: [{ in: 'body', param }] });
    }
    expect(await rows(payments)).toBe(before);
  });

  it('a NUL in path parameters (payout, payment, webhook event ids) and in query filters (audit, payouts)', async () => {
    for (const [method, url, location] of [
      ['GET', '/api/admin/webhooks/evt_%00', 'params'],
      ['POST', '/api/admin/webhooks/evt_%00/retry', 'params'],
      ['PATCH', '/api/admin/payments/pay_%00', 'params'],
      ['GET', '/api/admin/creators/cr_%00', 'params'],
      ['GET', '/api/admin/audit?actor=%00', 'query'],
      ['GET', '/api/admin/audit?subjectId=po_%00', 'query'],
      ['GET', '/api/payouts?creatorId=cr_%00', 'query'],
      ['GET', '/api/admin/payouts?creatorId=cr_%00', 'query'],
    ] as const) {
      const reply = await t.app.inject({ method, url, headers: who.headers.admin, ...(method === 'PATCH' && { payload: { disputeRequested: true } }) });
      expect(expectRefused(reply, 400, 'INVALID_TEXT').details, url).toMatchObject({ issues: [{ in: location }] });
    }
  });

  it('a lone surrogate in an API key name, payment metadata, a checkout product name (no session opened at Stripe)', async () => {
    const [keysBefore, sessionsBefore] = [await rows(apiKeys), t.sandbox!.state.list('checkout.session', null).length];
    const cases = [
      ['/api/admin/api-keys', who.headers.admin, { role: 'PLATFORM', name: 'shop \ud800' }, 'name'],
      ['/api/payments', who.headers.platform, { creatorId: who.creator.creatorId, externalId: 'ext_sur', amount: 1000, currency: 'eur', metadata: { note: '\udfff' } }, 'metadata.note'],
      [
        '/api/checkout/sessions',
        who.headers.platform,
        { creatorId: who.creator.creatorId, bookingId: 'bk_sur', amount: 7000, productName: 'Session \ud83d', successUrl: 'https://host.example/ok', cancelUrl: 'https://host.example/no' },
        'productName',
      ],
    ] as const;
    for (const [url, headers, body, param] of cases) {
      const error = expectRefused(await t.app.inject({ method: 'POST', url, headers, payload: body }), 400, 'INVALID_TEXT');
      expect(error.details).toMatchObject({ reason: 'lone_surrogate', issues: [{ in: 'body', param }] });
    }
    expect([await rows(apiKeys), t.sandbox!.state.list('checkout.session', null).length]).toEqual([keysBefore, sessionsBefore]);
  });

  it('a NUL at the bottom of a deeply nested body is found at once, not in time growing with the square of the depth', async () => {
    const depth = 50_000;
    const payload = `${'{"a":['.repeat(depth)}"x\\u0000"${']}'.repeat(depth)}`;
    const started = performance.now();
    const reply = await t.app.inject({ method: 'POST', url: '/api/payments', headers: { ...who.headers.platform, 'content-type': 'application/json' }, payload });
    expect(expectRefused(reply, 400, 'INVALID_TEXT').details).toMatchObject({ issues: [{ in: 'body' }] });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a well-formed surrogate pair (an emoji) is ordinary text', async () => {
    const reply = await t.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: who.headers.admin, payload: { role: 'PLATFORM', name: 'shop 🛍️' } });
    expect(reply.statusCode).toBe(201);
    expect(reply.json<{ apiKey: { name: string } }>().apiKey.name).toBe('shop 🛍️');
  });

  it('a signed Stripe event with a NUL in its id or a lone surrogate in its metadata is not stored', async () => {
    const before = await rows(webhookEvents);
    const event = paymentIntentSucceededEvent({ creatorId: who.creator.creatorId, amount: 1000, at: new Date() });
    for (const [hostile, param] of [
      [{ ...event, id: 'evt_\u0000' }, 'id'],
      [{ ...event, data: { object: { ...event.data.object, metadata: { ...event.data.object.metadata, note: 'x\ud800' } } } }, 'data.object.metadata.note'],
    ] as const) {
      expect(expectRefused(await postEvent(hostile), 400, 'INVALID_TEXT').details).toMatchObject({ issues: [{ in: 'body', param }] });
    }
    expect(await rows(webhookEvents)).toBe(before);
  });
});

describe('the payouts CSV names its file safely (RFC 6266 / 5987)', () => {
  const exportFor = (creatorId: string) => t.app.inject({ method: 'GET', url: `/api/payouts/export.csv?creatorId=${encodeURIComponent(creatorId)}`, headers: who.headers.admin });

  it('a " and a ; in creatorId cannot add a second filename', async () => {
    const reply = await exportFor('x"; filename="evil.sh');
    expect(reply.statusCode).toBe(200);
    const disposition = String(reply.headers['content-disposition']);
    expect(disposition).toBe(`attachment; filename="payouts-x___filename__evil.sh.csv"; filename*=UTF-8''payouts-x%22%3B%20filename%3D%22evil.sh.csv`);
    expect(disposition.match(/filename=/g)).toHaveLength(1);
  });

  it('a non-Latin-1 creatorId is percent-encoded instead of breaking the header', async () => {
    const reply = await exportFor('créateur-€');
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="payouts-cr_ateur-_.csv"; filename*=UTF-8''payouts-cr%C3%A9ateur-%E2%82%AC.csv`);
  });

  it('a NUL is a 400 INVALID_TEXT in the error format, not a framework 500', async () => {
    const reply = await t.app.inject({ method: 'GET', url: '/api/payouts/export.csv?creatorId=%00', headers: who.headers.admin });
    expect(expectRefused(reply, 400, 'INVALID_TEXT').details).toMatchObject({ issues: [{ in: 'query', param: 'creatorId' }] });
    expect(reply.headers['content-disposition']).toBeUndefined();
  });
});

describe(`amounts and balances stay within MAX_AMOUNT_MINOR (${MAX_AMOUNT_MINOR}), on ${testDatabaseKind}`, () => {
  it('POST /api/payments refuses 2^53 − 1 (and anything above the bound) before anything is written', async () => {
    const before = await rows(payments);
    for (const amount of [Number.MAX_SAFE_INTEGER, Number(MAX_AMOUNT_MINOR) + 1]) {
      const reply = await t.app.inject({ method: 'POST', url: '/api/payments', headers: who.headers.platform, payload: { creatorId: who.creator.creatorId, externalId: `big_${amount}`, amount, currency: 'eur' } });
      expect(expectRefused(reply, 400, 'VALIDATION_ERROR').details).toMatchObject({ issues: [{ in: 'body', param: 'amount' }] });
    }
    expect(await rows(payments)).toBe(before);
  });

  it("refuses the payment that would take a creator past the bound with 422, and their balance page and the payout queue still answer", async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const pay = (externalId: string, amount: number) =>
      t.app.inject({ method: 'POST', url: '/api/payments', headers: who.headers.platform, payload: { creatorId, externalId, amount, currency: 'eur' } });
    const first = await pay('max_1', Number(MAX_AMOUNT_MINOR));
    expect(first.statusCode).toBe(201);
    let held = first.json<{ payment: { creatorAmount: number } }>().payment.creatorAmount; // 90 % of it
    const before = await rows(payments);
    for (const externalId of ['max_2', 'max_3']) {
      const error = expectRefused(await pay(externalId, Number(MAX_AMOUNT_MINOR)), 422, 'BALANCE_LIMIT_EXCEEDED');
      expect(error.details).toMatchObject({ account: `creator:${creatorId}:held:eur`, max: MAX_AMOUNT_MINOR.toString() });
    }
    expect(await rows(payments)).toBe(before);
    // What still fits, fits: the creator's 90 % of the room left.
    const room = Number(MAX_AMOUNT_MINOR) - held;
    const fits = await pay('max_fits', room);
    expect(fits.statusCode).toBe(201);
    held += fits.json<{ payment: { creatorAmount: number } }>().payment.creatorAmount;
    expect(expectRefused(await pay('max_over', room), 422, 'BALANCE_LIMIT_EXCEEDED').code).toBe('BALANCE_LIMIT_EXCEEDED');
    expect(await rows(payments)).toBe(before + 1);

    const balance = await t.app.inject({ method: 'GET', url: `/api/payouts/request?creatorId=${creatorId}`, headers: who.headers.admin });
    expect(balance.statusCode).toBe(200);
    expect(balance.json()).toMatchObject({ pendingBalance: held });
    expect(held).toBeLessThanOrEqual(Number(MAX_AMOUNT_MINOR));
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/payouts', headers: who.headers.admin })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/admin/creators/${creatorId}`, headers: who.headers.admin })).statusCode).toBe(200);
  });

  it('a Stripe event past the bound (one amount, or a creator total) is stored as failed, and records no payment', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const send = async (amount: number) => {
      const event = paymentIntentSucceededEvent({ creatorId, amount, at: new Date() });
      expect((await postEvent(event)).statusCode).toBe(200);
      const [row] = await t.database.db.select().from(webhookEvents).where(eq(webhookEvents.id, event.id));
      const [payment] = await t.database.db.select().from(payments).where(eq(payments.externalId, event.data.object.id));
      return { status: row?.status, error: row?.error ?? '', recorded: payment !== undefined };
    };
    expect(await send(Number(MAX_AMOUNT_MINOR) + 1)).toMatchObject({ status: 'failed', error: expect.stringContaining('AMOUNT_TOO_LARGE'), recorded: false });
    // The single-statement receipt (webhook_record_payment) goes through the same database check.
    expect(await send(Number(MAX_AMOUNT_MINOR))).toMatchObject({ status: 'completed', recorded: true });
    expect(await send(Number(MAX_AMOUNT_MINOR))).toMatchObject({ status: 'failed', error: expect.stringContaining('BALANCE_LIMIT_EXCEEDED'), recorded: false });
  });

  it('leaves the ledger and payout invariants holding, the bound included', async () => {
    const ledger = await verifyLedger(t.database.db);
    const payouts = await verifyPayouts(t.database.db);
    expect([...ledger.checks, ...payouts.checks].filter((check) => !check.ok)).toEqual([]);
    expect(ledger.checks.map((check) => check.name)).toContain('what each creator is owed and was paid stays within the bound for balances');
  });
});

describe('Stripe webhook signatures dated in the future', () => {
  const event = () => paymentIntentSucceededEvent({ creatorId: who.creator.creatorId, amount: 1000, at: new Date() });
  const now = () => Math.floor(Date.now() / 1000);

  it('an hour ahead is refused, and nothing is stored', async () => {
    const ahead = event();
    const error = expectRefused(await postEvent(ahead, { signedAt: now() + 3600 }), 400, 'WEBHOOK_SIGNATURE_INVALID');
    expect(error.message).toContain('in the future');
    expect(await t.database.db.select().from(webhookEvents).where(eq(webhookEvents.id, ahead.id))).toEqual([]);
  });

  it('a few minutes ahead (clock skew, within the 5-minute tolerance) is accepted', async () => {
    const skewed = event();
    expect((await postEvent(skewed, { signedAt: now() + 240 })).statusCode).toBe(200);
    expect(await t.database.db.select().from(webhookEvents).where(eq(webhookEvents.id, skewed.id))).toHaveLength(1);
  });
});

describe('logs carry no query strings and no SQL parameters', () => {
  let database: Database;
  let app: App;
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database, logger: createLogger({ level: 'info', destination }) });
    // A failed insert as a route would hit it: the second row breaks the email's uniqueness.
    app.post('/test/failing-insert', { config: { authentication: 'ignore' } }, async () => {
      const row = { email: 'leaky-secret@example.test', name: 'Leaky Name', role: 'CREATOR' as const, createdAt: new Date() };
      await database.db.insert(users).values({ ...row, id: 'usr_leak_1' });
      await database.db.insert(users).values({ ...row, id: 'usr_leak_2' });
      return { ok: true };
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('logs a request by its path alone', async () => {
    const reply = await app.inject({ method: 'GET', url: '/api/admin/audit?actor=secret-query-value&limit=5', headers: { 'x-request-id': 'req-query-1' } });
    expect(reply.statusCode).toBe(401);
    const mine = lines.filter((line) => line.requestId === 'req-query-1');
    expect(mine.find((line) => line.msg === 'incoming request')).toMatchObject({ req: { method: 'GET', url: '/api/admin/audit' } });
    expect(JSON.stringify(mine)).not.toContain('secret-query-value');
  });

  it('logs a failed query with its SQL text, without its parameters or the row it failed on', async () => {
    const reply = await app.inject({ method: 'POST', url: '/test/failing-insert', headers: { 'x-request-id': 'req-sql-1' } });
    expect(reply.statusCode).toBe(500);
    const failed = lines.find((line) => line.requestId === 'req-sql-1' && line.msg === 'request failed') as { err: Record<string, unknown> } | undefined;
    expect(failed?.err).toMatchObject({ type: 'DrizzleQueryError', message: expect.stringContaining('insert into "users"') });
    expect(failed!.err.message).toContain('duplicate key value');
    const text = JSON.stringify(failed);
    for (const value of ['leaky-secret@example.test', 'Leaky Name', 'usr_leak_2', 'params:']) expect(text).not.toContain(value);
    expect(failed!.err).not.toHaveProperty('params');
  });
});
