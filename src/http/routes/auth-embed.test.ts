import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { auditEvents } from '../../db/schema/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { createUser } from '../../services/users/create-user.js';

let t: TestApp;
let platformKey: string;
let creatorUserId: string;
let creatorEmail: string;

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

beforeAll(async () => {
  t = await createTestApp({ env: { SESSION_SECRET: 'session-secret-for-tests-0123456789abcdef', USER_TOKEN_TTL_SECONDS: '300' } });
  creatorEmail = 'embed-creator@example.test';
  const { user } = await t.database.db.transaction((tx) =>
    createUser(tx, { email: creatorEmail, name: 'Embedded Creator', role: 'CREATOR', password: 'a long enough password', actor: 'test', creator: {} }, { config: t.config, clock: t.clock }),
  );
  creatorUserId = user.id;
  platformKey = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'host', actor: 'test' }, { clock: t.clock }))).key;
});
afterAll(() => t?.close());

async function userToken(): Promise<string> {
  const reply = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: bearer(platformKey), payload: { userId: creatorUserId } });
  expect(reply.statusCode).toBe(200);
  return reply.json<{ token: string }>().token;
}

describe('POST /api/auth/embed-session', () => {
  it('trades a user token for a cookie session that works like a login, audited as such', async () => {
    const reply = await t.app.inject({ method: 'POST', url: '/api/auth/embed-session', headers: bearer(await userToken()) });
    expect(reply.statusCode).toBe(200);
    const body = reply.json<{ user: { id: string; email: string }; csrfToken: string }>();
    expect(body.user).toMatchObject({ id: creatorUserId, email: creatorEmail });
    const cookie = reply.cookies.find((c) => c.name === 'payouts_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax'); // plain HTTP outside production

    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: `payouts_session=${cookie!.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ principal: { role: 'CREATOR', via: 'session' }, csrfToken: body.csrfToken });

    const audited = await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, creatorUserId));
    expect(audited.some((event) => event.action === 'user.logged_in' && (event.metadata as { via?: string } | null)?.via === 'user_token')).toBe(true);
  });

  it('refuses anything but a user token: no credentials, an API key, a cookie session, a forged token', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/embed-session' })).statusCode).toBe(401);
    const withKey = await t.app.inject({ method: 'POST', url: '/api/auth/embed-session', headers: bearer(platformKey) });
    expect(withKey.statusCode).toBe(403);

    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: creatorEmail, password: 'a long enough password' } });
    const cookie = login.cookies.find((c) => c.name === 'payouts_session')!;
    const withCookie = await t.app.inject({
      method: 'POST',
      url: '/api/auth/embed-session',
      headers: { cookie: `payouts_session=${cookie.value}`, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken },
    });
    expect(withCookie.statusCode).toBe(401);
    expect(withCookie.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    const token = await userToken();
    const forged = `${token.slice(0, -4)}AAAA`;
    const withForged = await t.app.inject({ method: 'POST', url: '/api/auth/embed-session', headers: bearer(forged) });
    expect(withForged.statusCode).toBe(401);
    expect(withForged.cookies.find((c) => c.name === 'payouts_session')).toBeUndefined();
  });

  it('refuses an expired token', async () => {
    const token = await userToken();
    t.clock.advance(301);
    const reply = await t.app.inject({ method: 'POST', url: '/api/auth/embed-session', headers: bearer(token) });
    expect(reply.statusCode).toBe(401);
  });
});
