import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { AppError, type AppErrorKind } from '../domain/errors/index.js';
import { buildApp, type App } from './app.js';
import { errorReplySchema, toErrorReply } from './error-handler.js';
import { createLogger } from './logger.js';

describe('toErrorReply', () => {
  it.each<[AppErrorKind, number]>([
    ['invalid', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['unprocessable', 422],
    ['rate_limited', 429],
    ['unavailable', 503],
  ])('maps an AppError of kind %s to %i with its code, message and details', (kind, statusCode) => {
    const reply = toErrorReply(new AppError('SOME_CODE', 'Something precise', { kind, details: { param: 'amount' } }));
    expect(reply).toEqual({
      statusCode,
      body: { error: { code: 'SOME_CODE', message: 'Something precise', details: { param: 'amount' } } },
    });
  });

  it('hides the code and message of an internal AppError', () => {
    const reply = toErrorReply(new AppError('LEDGER_UNBALANCED', 'entry 42 is off by 3 eur', { kind: 'internal' }));
    expect(reply.statusCode).toBe(500);
    expect(reply.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(reply.body)).not.toContain('entry 42');
  });

  it('sets Retry-After for a rate-limited AppError that says when to retry', () => {
    const reply = toErrorReply(new AppError('TOO_MANY_PAYOUTS', 'Wait', { kind: 'rate_limited', details: { retryAfterSeconds: 29.2 } }));
    expect(reply.headers).toEqual({ 'retry-after': '30' });
  });

  it('turns an unknown error into a generic 500 that leaks nothing', () => {
    const reply = toErrorReply(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2'));
    expect(reply).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: expect.not.stringContaining('10.0.0.7') } },
    });
    expect(toErrorReply('a string').statusCode).toBe(500);
    expect(toErrorReply(null).statusCode).toBe(500);
  });

  it('keeps the status of a client error raised by a plugin', () => {
    const error = Object.assign(new Error('Not Acceptable'), { statusCode: 406 });
    expect(toErrorReply(error)).toEqual({ statusCode: 406, body: { error: { code: 'NOT_ACCEPTABLE', message: 'Not Acceptable' } } });
  });
});

describe('the error model over HTTP', () => {
  let database: Database;
  let app: App;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({ config: loadConfig({}), database, logger: createLogger({ level: 'silent' }) });
    // Test-only routes: the error model must hold for every route, whatever it throws.
    app.post(
      '/test/payouts',
      {
        schema: {
          body: z.object({ amount: z.number().int().positive(), currency: z.string().length(3), metadata: z.object({}).strict().optional() }),
          querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
        },
        bodyLimit: 1024,
      },
      async (request) => ({ received: request.body }),
    );
    app.get('/test/app-error/:kind', { schema: { params: z.object({ kind: z.string() }) } }, async (request) => {
      throw new AppError('PAYOUT_NOT_FOUND', 'No payout po_123', { kind: request.params.kind as AppErrorKind });
    });
    app.get('/test/crash', async () => {
      throw new Error('secret internals: password=hunter2');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  function expectErrorShape(body: unknown, code: string) {
    const parsed = errorReplySchema.parse(body);
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message.length).toBeGreaterThan(0);
    return parsed.error;
  }

  it('accepts a valid body', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: { amount: 100, currency: 'eur' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { amount: 100, currency: 'eur' } });
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: '{"amount": 1,', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res.json(), 'INVALID_JSON');
  });

  it('answers an empty JSON body with 400 INVALID_JSON', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: '', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res.json(), 'INVALID_JSON');
  });

  it('refuses a prototype-poisoning body as INVALID_JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/payouts',
      payload: '{"amount": 1, "currency": "eur", "__proto__": {"admin": true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res.json(), 'INVALID_JSON');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('answers a %s body with 415', async (type) => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: 'amount=1', headers: { 'content-type': type } });
    expect(res.statusCode).toBe(415);
    expectErrorShape(res.json(), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: { amount: 1, currency: 'eur', pad: 'x'.repeat(2000) } });
    expect(res.statusCode).toBe(413);
    expectErrorShape(res.json(), 'PAYLOAD_TOO_LARGE');
  });

  it('answers a body that breaks the schema with 400 VALIDATION_ERROR naming each field', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts', payload: { amount: 'ten', metadata: { extra: 1 } } });
    expect(res.statusCode).toBe(400);
    const error = expectErrorShape(res.json(), 'VALIDATION_ERROR');
    expect(error.message).toMatch(/^Invalid body: /);
    expect(error.message).toContain('amount');
    expect(error.message).toContain('currency');
    const issues = (error.details as { issues: Array<{ in: string; param: string }> }).issues;
    expect(issues.map((i) => i.param)).toEqual(['amount', 'currency', 'metadata.extra']);
    expect(issues.every((i) => i.in === 'body')).toBe(true);
  });

  it('names the querystring when the querystring is invalid', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/payouts?dryRun=maybe', payload: { amount: 1, currency: 'eur' } });
    expect(res.statusCode).toBe(400);
    const error = expectErrorShape(res.json(), 'VALIDATION_ERROR');
    expect(error.message).toMatch(/^Invalid querystring: dryRun: /);
  });

  it.each([
    ['not_found', 404],
    ['conflict', 409],
    ['unprocessable', 422],
    ['forbidden', 403],
  ])('maps an AppError of kind %s thrown by a route to %i', async (kind, status) => {
    const res = await app.inject({ method: 'GET', url: `/test/app-error/${kind}` });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code: 'PAYOUT_NOT_FOUND', message: 'No payout po_123' } });
  });

  it('answers an unexpected error with a generic 500 INTERNAL_ERROR', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/crash' });
    expect(res.statusCode).toBe(500);
    expectErrorShape(res.json(), 'INTERNAL_ERROR');
    expect(res.body).not.toContain('hunter2');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(expectErrorShape(res.json(), 'NOT_FOUND').message).toBe('No route for GET /api/nothing-here.');
  });

  it('answers a wrong method on a known path with 404 in the same model', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/healthz' });
    expect(res.statusCode).toBe(404);
    expectErrorShape(res.json(), 'NOT_FOUND');
  });

  it('never answers bad input with a 5xx', async () => {
    const inputs = [
      { method: 'POST' as const, url: '/test/payouts', payload: '[]', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/test/payouts', payload: 'null', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/test/payouts', payload: '"x"', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/test/payouts', payload: '{"amount":1e400,"currency":"eur"}', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/test/payouts', payload: '\u0000\u0001', headers: { 'content-type': 'application/json' } },
      { method: 'POST' as const, url: '/test/payouts', payload: '{}', headers: { 'content-type': 'application/json; charset=latin9' } },
      { method: 'POST' as const, url: '/test/payouts', payload: 'x' },
      { method: 'GET' as const, url: '/%E0%A4%A' },
    ];
    for (const input of inputs) {
      const res = await app.inject(input);
      expect(res.statusCode, `${input.method} ${input.url} ${String(input.payload)}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${input.method} ${input.url} ${String(input.payload)}`).toBeLessThan(500);
      errorReplySchema.parse(res.json());
    }
  });
});
