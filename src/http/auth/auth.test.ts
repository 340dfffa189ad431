import { and, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { apiKeys, auditEvents, sessions, users } from '../../db/schema/index.js';
import { createApiKey, type ApiKeyRole } from '../../services/api-keys/create-api-key.js';
import { digestSecret } from '../../services/auth/secret-digest.js';
import { createUser } from '../../services/users/create-user.js';
import { moneyRouteRateLimit, requireRoles } from './index.js';

const CRON_SECRET = 'test-cron-secret-0123456789';
const CRON_JWT_SECRET = 'cron-jwt-secret-for-tests-0123456789abcdef';
const PASSWORD = 'correct horse battery staple';

let t: TestApp;

async function newUser(role: 'ADMIN' | 'CREATOR', options: { password?: string } = {}) {
  const email = `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.test`;
  const { user, creator } = await t.database.db.transaction((tx) =>
    createUser(
      tx,
      { email, name: `Test ${role}`, role, password: options.password ?? PASSWORD, actor: 'test', ...(role === 'CREATOR' && { creator: {} }) },
      { config: t.config, clock: t.clock },
    ),
  );
  return { userId: user.id, creatorId: creator?.id, email };
}

async function newApiKey(role: ApiKeyRole) {
  return t.database.db.transaction((tx) => createApiKey(tx, { role, name: `test ${role}`, actor: 'test' }, { clock: t.clock }));
}

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function logIn(email: string, password = PASSWORD): Promise<{ response: LightMyRequestResponse; cookie: string; csrfToken: string }> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const sessionCookie = response.cookies.find((c) => c.name === 'payouts_session');
  return { response, cookie: sessionCookie ? `payouts_session=${sessionCookie.value}` : '', csrfToken: response.json<{ csrfToken?: string }>().csrfToken ?? '' };
}

async function issueToken(key: string, userId: string) {
  return t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: bearer(key), payload: { userId } });
}

function cronJwt(options: { secret?: string; expiresInSeconds?: number; issuedAt?: number } = {}): Promise<string> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(options.issuedAt ?? now);
  if (options.expiresInSeconds !== undefined) jwt.setExpirationTime(now + options.expiresInSeconds);
  return jwt.sign(new TextEncoder().encode(options.secret ?? CRON_JWT_SECRET));
}

beforeAll(async () => {
  t = await createTestApp({ env: { CRON_SECRET, CRON_JWT_SECRET, SESSION_SECRET: 'session-secret-for-tests-0123456789abcdef' } });
  // Test-only routes for the role matrix and the CSRF rule.
  t.app.get('/test/admin-only', { preValidation: requireRoles('ADMIN') }, async (request) => ({ principal: request.principal }));
  t.app.post('/test/creator-or-admin', { preValidation: requireRoles('CREATOR', 'ADMIN') }, async (request) => ({ principal: request.principal }));
  t.app.get('/test/whoever', async (request) => ({ principal: request.principal }));
  t.app.post('/test/money', { config: moneyRouteRateLimit, preValidation: requireRoles('PLATFORM', 'ADMIN') }, async () => ({ ok: true }));
  await t.app.ready();
});

afterAll(async () => {
  await t?.close();
});

describe(`password login and the session cookie on ${testDatabaseKind}`, () => {
  it('logs in with the right password: an HttpOnly, SameSite=Lax cookie holding a token stored only as its SHA-256', async () => {
    const { userId, email } = await newUser('ADMIN');
    const { response, cookie, csrfToken } = await logIn(email.toUpperCase());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ user: { id: userId, email, role: 'ADMIN', creatorId: null }, csrfToken: expect.any(String) });
    const sessionCookie = response.cookies.find((c) => c.name === 'payouts_session')!;
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(sessionCookie.secure).toBeFalsy(); // not production
    expect(Math.abs(new Date(sessionCookie.expires!).getTime() - new Date(body.expiresAt).getTime())).toBeLessThan(1000);

    const token = cookie.split('=')[1]!;
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(digestSecret(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      principal: { role: 'ADMIN', actor: `user:${userId}`, userId, via: 'session' },
      user: { id: userId, email },
      csrfToken,
    });
  });

  it('answers a wrong password, an unknown email and a user without a password alike: 401 INVALID_CREDENTIALS', async () => {
    const { email } = await newUser('CREATOR');
    const tokenOnly = await t.database.db.transaction((tx) =>
      createUser(tx, { email: `token-only-${Date.now()}@example.test`, name: 'T', role: 'CREATOR', creator: {}, actor: 'test' }, { config: t.config, clock: t.clock }),
    );
    const refused = [
      await logIn(email, 'wrong password entirely'),
      await logIn(`nobody-${Date.now()}@example.test`),
      await logIn(tokenOnly.user.email, 'anything at all'),
    ];
    for (const { response } of refused) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'The email or password is wrong.' } });
      expect(response.cookies).toHaveLength(0);
    }
    // An empty password is refused by the schema before any lookup.
    expect((await logIn(tokenOnly.user.email, '')).response.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('a creator session carries the creator id', async () => {
    const { userId, creatorId, email } = await newUser('CREATOR');
    const { cookie } = await logIn(email);
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.json().principal).toEqual({ role: 'CREATOR', actor: `user:${userId}`, userId, creatorId, via: 'session' });
  });

  it('needs the CSRF token on cookie mutations: none or a wrong one → 403 CSRF_TOKEN_INVALID, the right one → OK; GET needs none', async () => {
    const { email } = await newUser('CREATOR');
    const { cookie, csrfToken } = await logIn(email);
    const post = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/test/creator-or-admin', headers: { cookie, ...headers }, payload: {} });

    const without = await post({});
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await post({ 'x-csrf-token': `${csrfToken}x` })).json().error.code).toBe('CSRF_TOKEN_INVALID');
    const withToken = await post({ 'x-csrf-token': csrfToken });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json().principal.via).toBe('session');
    expect((await t.app.inject({ method: 'GET', url: '/test/whoever', headers: { cookie } })).statusCode).toBe(200);
  });

  it('logout ends the session and clears the cookie; the old cookie is then a 401, and logging out again is fine', async () => {
    const { email, userId } = await newUser('ADMIN');
    const { cookie, csrfToken } = await logIn(email);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(403);

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'payouts_session')!;
    expect(cleared.value).toBe('');
    expect(new Date(cleared.expires!).getTime()).toBeLessThanOrEqual(Date.now());
    expect(await t.database.db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(0);

    const stale = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('UNAUTHENTICATED');
    expect(stale.cookies.find((c) => c.name === 'payouts_session')?.value).toBe('');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    // A stale cookie does not stop logging in again.
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie }, payload: { email, password: PASSWORD } })).statusCode).toBe(200);
  });

  it('a session expires on the service clock', async () => {
    const { email } = await newUser('ADMIN');
    const { cookie } = await logIn(email);
    expect((await t.app.inject({ method: 'GET', url: '/test/admin-only', headers: { cookie } })).statusCode).toBe(200);
    t.clock.advance(t.config.auth.sessionTtlSeconds + 1);
    expect((await t.app.inject({ method: 'GET', url: '/test/admin-only', headers: { cookie } })).statusCode).toBe(401);
  });

  it('a disabled user can neither log in nor use a session', async () => {
    const { email, userId } = await newUser('ADMIN');
    const { cookie } = await logIn(email);
    await t.database.db.update(users).set({ disabledAt: t.clock.now() }).where(eq(users.id, userId));
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await logIn(email)).response.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('writes an audit event for the login, with no secret in it', async () => {
    const { email, userId } = await newUser('ADMIN');
    await logIn(email);
    const events = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'user'), eq(auditEvents.subjectId, userId)));
    expect(events.map((e) => e.action).sort()).toEqual(['user.created', 'user.logged_in']);
    expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(PASSWORD);
  });
});

describe('API keys', () => {
  it('authenticates a live key as its role, stores only its SHA-256, and records when it was last used (at most once a minute)', async () => {
    const created = await newApiKey('PLATFORM');
    expect(created.key).toMatch(/^pk_platform_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row).toMatchObject({ keyHash: digestSecret(created.key), prefix: created.key.slice(0, 16), lastUsedAt: null });

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(created.key) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ principal: { role: 'PLATFORM', actor: `api_key:${created.id}`, apiKeyId: created.id, via: 'api_key' } });
    const [used] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(used!.lastUsedAt).toEqual(expect.any(Date));

    await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(created.key) });
    const [again] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(again!.lastUsedAt).toEqual(used!.lastUsedAt);

    const admin = await newApiKey('ADMIN');
    expect((await t.app.inject({ method: 'GET', url: '/test/admin-only', headers: bearer(admin.key) })).json().principal).toMatchObject({ role: 'ADMIN', via: 'api_key' });
  });

  it('refuses a revoked key, a wrong key and a malformed header with 401, never as anonymous', async () => {
    const revoked = await newApiKey('ADMIN');
    await t.database.db.update(apiKeys).set({ revokedAt: t.clock.now() }).where(eq(apiKeys.id, revoked.id));
    const wrong = `${revoked.key.slice(0, -4)}AAAA`;
    for (const headers of [bearer(revoked.key), bearer(wrong), bearer('pk_admin_short'), bearer('nonsense'), { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const response = await t.app.inject({ method: 'GET', url: '/test/whoever', headers });
      expect(response.statusCode, headers.authorization).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect((await t.app.inject({ method: 'GET', url: '/test/whoever' })).json()).toEqual({ principal: null });
  });

  it('writes an audit event for the creation, without the key', async () => {
    const created = await newApiKey('PLATFORM');
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, created.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'api_key.created', subjectType: 'api_key', actor: 'test', metadata: { role: 'PLATFORM' } });
    expect(JSON.stringify(events[0]!.metadata)).not.toContain(created.key);
  });
});

describe('bearer user tokens (POST /api/auth/tokens)', () => {
  it('a platform key gets a short-lived token acting as a creator, which works until it expires on the service clock', async () => {
    const platform = await newApiKey('PLATFORM');
    const { userId, creatorId } = await newUser('CREATOR');
    const issued = await issueToken(platform.key, userId);
    expect(issued.statusCode).toBe(200);
    const body = issued.json();
    expect(body).toMatchObject({ token: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number), user: { id: userId, creatorId } });
    expect(body.expiresIn).toBeGreaterThan(890);
    expect(body.expiresIn).toBeLessThanOrEqual(900);

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(body.token) });
    expect(me.json().principal).toEqual({ role: 'CREATOR', actor: `user:${userId}`, userId, creatorId, via: 'token' });
    // A bearer token needs no CSRF header.
    expect((await t.app.inject({ method: 'POST', url: '/test/creator-or-admin', headers: bearer(body.token), payload: {} })).statusCode).toBe(200);

    t.clock.advance(901);
    const expired = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(body.token) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toEqual({ code: 'UNAUTHENTICATED', message: 'The bearer token has expired: ask for a new one.' });
  });

  it('only API keys issue tokens; a platform key cannot act as an admin, an admin key can', async () => {
    const platform = await newApiKey('PLATFORM');
    const adminKey = await newApiKey('ADMIN');
    const admin = await newUser('ADMIN');
    const creator = await newUser('CREATOR');

    expect((await issueToken(platform.key, admin.userId)).statusCode).toBe(403);
    const asAdmin = await issueToken(adminKey.key, admin.userId);
    expect(asAdmin.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/test/admin-only', headers: bearer(asAdmin.json().token) })).statusCode).toBe(200);

    // A user token (even an admin's) and a session cannot mint tokens.
    expect((await issueToken(asAdmin.json().token, creator.userId)).statusCode).toBe(403);
    const { cookie, csrfToken } = await logIn(admin.email);
    const viaSession = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { cookie, 'x-csrf-token': csrfToken }, payload: { userId: creator.userId } });
    expect(viaSession.statusCode).toBe(403);

    const unknown = await issueToken(platform.key, 'usr_nobody');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('USER_NOT_FOUND');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/tokens', payload: { userId: creator.userId } })).statusCode).toBe(401);
    const invalid = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: bearer(platform.key), payload: { user: creator.userId } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('refuses a token signed with another secret, or tampered with', async () => {
    const platform = await newApiKey('PLATFORM');
    const { userId } = await newUser('CREATOR');
    const { token } = (await issueToken(platform.key, userId)).json<{ token: string }>();
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setAudience('payouts:user')
      .setIssuer('payouts')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not-the-session-secret-0123456789abcdef'));
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'usr_other', aud: 'payouts:user', iss: 'payouts', exp: 9999999999 })).toString('base64url')}.${signature}`;
    for (const credential of [forged, tampered, `${token.slice(0, -2)}xx`]) {
      const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(credential) });
      expect(response.statusCode).toBe(401);
    }
  });
});

describe('cron credentials', () => {
  it('CRON_SECRET is a CRON principal', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(CRON_SECRET) });
    expect(response.json()).toEqual({ principal: { role: 'CRON', actor: 'cron', via: 'cron_secret' } });
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(`${CRON_SECRET}x`) })).statusCode).toBe(401);
  });

  it('a JWT signed with CRON_JWT_SECRET is a CRON principal until it expires; a wrong secret, no exp or a long life is a 401', async () => {
    const valid = await cronJwt({ expiresInSeconds: 300 });
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(valid) })).json().principal).toEqual({ role: 'CRON', actor: 'cron', via: 'cron_jwt' });

    const cases: Array<[string, string, string]> = [
      ['wrong secret', await cronJwt({ expiresInSeconds: 300, secret: 'another-secret-0123456789abcdef0123' }), 'The bearer token is not valid.'],
      ['no exp', await cronJwt(), 'The bearer token is not valid.'],
      ['a day long', await cronJwt({ expiresInSeconds: 86_400 }), 'The cron token lives too long (at most 1 hour).'],
    ];
    for (const [what, credential, message] of cases) {
      const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(credential) });
      expect(response.statusCode, what).toBe(401);
      expect(response.json().error, what).toEqual({ code: 'UNAUTHENTICATED', message });
    }

    t.clock.advance(301 + 30);
    const expired = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(valid) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toBe('The cron token has expired.');
  });
});

describe('requireRoles', () => {
  it('anonymous → 401, another role → 403, the role → 200', async () => {
    const admin = await newApiKey('ADMIN');
    const platform = await newApiKey('PLATFORM');
    const creator = await newUser('CREATOR');
    const creatorToken = (await issueToken(platform.key, creator.userId)).json<{ token: string }>().token;
    const callers: Record<string, Record<string, string>> = {
      anonymous: {},
      admin: bearer(admin.key),
      platform: bearer(platform.key),
      creator: bearer(creatorToken),
      cron: bearer(CRON_SECRET),
    };
    const expected: Record<string, { adminOnly: number; creatorOrAdmin: number }> = {
      anonymous: { adminOnly: 401, creatorOrAdmin: 401 },
      admin: { adminOnly: 200, creatorOrAdmin: 200 },
      platform: { adminOnly: 403, creatorOrAdmin: 403 },
      creator: { adminOnly: 403, creatorOrAdmin: 200 },
      cron: { adminOnly: 403, creatorOrAdmin: 403 },
    };
    for (const [caller, headers] of Object.entries(callers)) {
      const adminOnly = await t.app.inject({ method: 'GET', url: '/test/admin-only', headers });
      const creatorOrAdmin = await t.app.inject({ method: 'POST', url: '/test/creator-or-admin', headers, payload: {} });
      expect({ adminOnly: adminOnly.statusCode, creatorOrAdmin: creatorOrAdmin.statusCode }, caller).toEqual(expected[caller]);
      if (adminOnly.statusCode === 401) expect(adminOnly.json().error.code).toBe('UNAUTHENTICATED');
      if (adminOnly.statusCode === 403) expect(adminOnly.json().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('rate limits', () => {
  it('login: the 11th attempt in a minute for one address and email is a 429 RATE_LIMITED with Retry-After; another email is not affected', async () => {
    const { email } = await newUser('CREATOR');
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await logIn(email, 'wrong password')).response.statusCode, `attempt ${attempt}`).toBe(401);
    }
    const limited = await logIn(email);
    expect(limited.response.statusCode).toBe(429);
    expect(limited.response.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.response.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await logIn(email.toUpperCase())).response.statusCode).toBe(429);

    const other = await newUser('CREATOR');
    expect((await logIn(other.email)).response.statusCode).toBe(200);
  });

  it('money routes: 60 a minute per caller (its principal), then 429 RATE_LIMITED with Retry-After; another key is not affected', async () => {
    const busy = await newApiKey('PLATFORM');
    const calm = await newApiKey('PLATFORM');
    const call = (key: string) => t.app.inject({ method: 'POST', url: '/test/money', headers: bearer(key), payload: {} });
    const statuses = [];
    for (let i = 0; i < 61; i++) statuses.push((await call(busy.key)).statusCode);
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    const limited = await call(busy.key);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(calm.key)).statusCode).toBe(200);
  });
});
