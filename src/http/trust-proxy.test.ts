import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { testDatabaseKind } from '../../test/database.js';

/**
 * TRUST_PROXY (docs/http.md "Behind a reverse proxy"): which X-Forwarded-For the service
 * believes, so that the client's address — the login rate limit's key — is the client's and not
 * the proxy's, and so that no client can pick its own. inject() connects from 127.0.0.1.
 */
const apps: Record<string, TestApp> = {};
const settings = { none: undefined, oneHop: '1', loopback: 'loopback', otherNetwork: '10.0.0.0/8' } as const;

beforeAll(async () => {
  for (const [name, value] of Object.entries(settings)) {
    const t = await createTestApp({ env: value === undefined ? {} : { TRUST_PROXY: value } });
    t.app.get('/test/ip', async (request) => ({ ip: request.ip }));
    await t.app.ready();
    apps[name] = t;
  }
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((t) => t.close()));
});

const ipSeenBy = async (name: keyof typeof settings, forwardedFor?: string) =>
  (await apps[name]!.app.inject({ method: 'GET', url: '/test/ip', headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} })).json().ip;

const logIn = (name: keyof typeof settings, email: string, forwardedFor: string) =>
  apps[name]!.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': forwardedFor }, payload: { email, password: 'not the password' } });

describe(`TRUST_PROXY on ${testDatabaseKind}`, () => {
  it('unset: X-Forwarded-For is ignored, the peer is the client', async () => {
    expect(await ipSeenBy('none', '203.0.113.7')).toBe('127.0.0.1');
  });

  it('a number of hops believes that many entries from the right, so a client cannot prepend its own', async () => {
    expect(await ipSeenBy('oneHop', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeenBy('oneHop', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeenBy('oneHop')).toBe('127.0.0.1');
  });

  it('a list of proxies believes the header only when the peer is one of them', async () => {
    expect(await ipSeenBy('loopback', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeenBy('otherNetwork', '203.0.113.7')).toBe('127.0.0.1');
  });

  it('behind a trusted proxy the login limit counts per client, not per proxy', async () => {
    const email = `proxied-${Math.random().toString(36).slice(2)}@example.test`;
    for (let attempt = 0; attempt < 10; attempt++) expect((await logIn('loopback', email, '203.0.113.7')).statusCode).toBe(401);
    expect((await logIn('loopback', email, '203.0.113.7')).statusCode).toBe(429);
    expect((await logIn('loopback', email, '198.51.100.9')).statusCode).toBe(401);
    // Without a trusted proxy both "clients" are the proxy's one address: one shared count.
    for (let attempt = 0; attempt < 10; attempt++) await logIn('none', email, attempt % 2 === 0 ? '203.0.113.7' : '198.51.100.9');
    expect((await logIn('none', email, '192.0.2.1')).statusCode).toBe(429);
  });
});
