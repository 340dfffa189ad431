import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { buildApp, type App } from './app.js';
import { createLogger, formatPrettyMessage } from './logger.js';

/** A destination that keeps every JSON line written to it. */
function captureLines() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts credentials in headers and password/secret/token fields at any usual depth', () => {
    const { lines, destination } = captureLines();
    const logger = createLogger({ level: 'info', destination });
    logger.info(
      {
        password: 'p0',
        user: { email: 'a@b.c', password: 'p1', profile: { token: 't2', settings: { secret: 's3' } } },
        headers: { authorization: 'Bearer k', cookie: 'sid=1', 'stripe-signature': 't=1,v1=x', accept: 'application/json' },
        res: { headers: { 'set-cookie': 'sid=2' } },
      },
      'hello',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['p0', 'p1', 't2', 's3', 'Bearer k', 'sid=1', 't=1,v1=x', 'sid=2']) expect(text).not.toContain(`"${secret}"`);
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      password: '[REDACTED]',
      user: { email: 'a@b.c', password: '[REDACTED]', profile: { token: '[REDACTED]', settings: { secret: '[REDACTED]' } } },
      headers: { authorization: '[REDACTED]', accept: 'application/json' },
    });
  });
});

describe('request logs', () => {
  let database: Database;
  let app: App;
  const { lines, destination } = captureLines();

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({ config: loadConfig({}), database, logger: createLogger({ level: 'info', destination }) });
    // The bearer is a made-up secret to check redaction, not a credential: the auth hook must not judge it.
    app.post('/test/echo-log', { config: { authentication: 'ignore' } }, async (request) => {
      request.log.info({ headers: request.headers, body: request.body }, 'handling');
      return { ok: true };
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('carries the request id on every line of a request and redacts what the route logs', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/echo-log',
      headers: { 'x-request-id': 'req-log-1', authorization: 'Bearer sk_live_abc', cookie: 'session=xyz' },
      payload: { email: 'a@b.c', password: 'hunter2' },
    });
    expect(res.statusCode).toBe(200);
    const mine = lines.filter((line) => line.requestId === 'req-log-1');
    expect(mine.map((line) => line.msg)).toEqual(['incoming request', 'handling', 'request completed']);
    const text = JSON.stringify(mine);
    expect(text).not.toContain('sk_live_abc');
    expect(text).not.toContain('session=xyz');
    expect(text).not.toContain('hunter2');
    expect(mine[1]).toMatchObject({ headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' }, body: { password: '[REDACTED]' } });
  });

  it('does not log the incoming/completed lines of probes and scrapes', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      const res = await app.inject({ url, headers: { 'x-request-id': `probe${url.replace('/', '-')}` } });
      expect(res.statusCode).toBe(200);
    }
    expect(lines.filter((line) => String(line.requestId).startsWith('probe-'))).toEqual([]);
  });
});

describe('createLogger({ pretty: true }) for a terminal', () => {
  /** A destination that keeps the text written to it. */
  function captureText() {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    return { text: () => chunks.join(''), destination };
  }

  it('writes one readable line per event, not JSON, and still redacts', async () => {
    const { text, destination } = captureText();
    const logger = createLogger({ level: 'info', pretty: true, destination });
    logger.info({ user: { email: 'a@b.c', password: 'hunter22' } }, 'Payouts is listening');
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const line = text();
    expect(line).toMatch(/^\S*\d\d:\d\d:\d\d\.\d{3}\S* \S*INFO\S*: \S*Payouts is listening/);
    expect(line).not.toContain('hunter22');
    expect(line).toContain('[REDACTED]');
    expect(() => JSON.parse(line)).toThrow();
    expect(line.trim().split('\n')).toHaveLength(1);
  });

  it('shows a request as → METHOD url and ← status in ms, tagged with its request id', () => {
    expect(formatPrettyMessage({ msg: 'incoming request', requestId: '0123456789abcdef', req: { method: 'POST', url: '/api/payouts/request' } }, 'msg')).toBe('[01234567] → POST /api/payouts/request');
    expect(formatPrettyMessage({ msg: 'request completed', requestId: '0123456789abcdef', res: { statusCode: 201 }, responseTime: 12.4 }, 'msg')).toBe('[01234567] ← 201 in 12 ms');
    expect(formatPrettyMessage({ msg: 'Stopped' }, 'msg')).toBe('Stopped');
  });
});

