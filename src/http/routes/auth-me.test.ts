import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { auditEvents, creators, users } from '../../db/schema/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { createUser } from '../../services/users/create-user.js';

/** The user's language in their profile (issue 12): GET /api/auth/me shows it, PATCH /api/auth/me keeps it. */
const PASSWORD = 'correct horse battery staple';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function signedIn(role: 'ADMIN' | 'CREATOR', locale?: string) {
  const email = `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.test`;
  const { user, creator } = await t.database.db.transaction((tx) =>
    createUser(tx, { email, name: `Test ${role}`, role, password: PASSWORD, actor: 'test', ...(role === 'CREATOR' && { creator: locale ? { locale } : {} }) }, t),
  );
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
  const cookie = `payouts_session=${login.cookies.find((c) => c.name === 'payouts_session')!.value}`;
  return { userId: user.id, creatorId: creator?.id, cookie, csrfToken: login.json<{ csrfToken: string }>().csrfToken, login };
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
const patch = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'PATCH', url: '/api/auth/me', headers, payload });

describe(`the user's locale on ${testDatabaseKind}`, () => {
  it("a creator's locale is their profile's (fr-CA reads as fr), shown at login and by /me; PATCH changes it, with the CSRF token", async () => {
    const creator = await signedIn('CREATOR', 'fr-CA');
    expect(creator.login.json().user).toMatchObject({ id: creator.userId, locale: 'fr' });
    expect((await me(creator.cookie)).json().user).toMatchObject({ id: creator.userId, creatorId: creator.creatorId, locale: 'fr' });

    const withoutCsrf = await patch({ cookie: creator.cookie }, { locale: 'en' });
    expect(withoutCsrf.statusCode).toBe(403);
    expect(withoutCsrf.json().error.code).toBe('CSRF_TOKEN_INVALID');

    const changed = await patch({ cookie: creator.cookie, 'x-csrf-token': creator.csrfToken }, { locale: 'en' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ user: { id: creator.userId, email: expect.any(String), name: 'Test CREATOR', role: 'CREATOR', creatorId: creator.creatorId, locale: 'en' } });
    // The creator's profile language: the service's messages to them follow it.
    expect((await t.database.db.select().from(creators).where(eq(creators.id, creator.creatorId!)))[0]!.locale).toBe('en');
    expect((await me(creator.cookie)).json().user.locale).toBe('en');
    const [event] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.locale_changed'));
    expect(event).toMatchObject({ subjectId: creator.userId, fromStatus: 'fr-CA', toStatus: 'en', actor: `user:${creator.userId}` });
  });

  it("an admin's locale is null until chosen, then kept on the user", async () => {
    const admin = await signedIn('ADMIN');
    expect((await me(admin.cookie)).json().user.locale).toBeNull();
    const changed = await patch({ cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }, { locale: 'fr' });
    expect(changed.json().user).toMatchObject({ id: admin.userId, role: 'ADMIN', locale: 'fr' });
    expect((await t.database.db.select().from(users).where(eq(users.id, admin.userId)))[0]!.locale).toBe('fr');
    expect((await me(admin.cookie)).json().user.locale).toBe('fr');
  });

  it('refuses an unsupported locale (400) and API keys, which have no profile (403 FORBIDDEN)', async () => {
    const admin = await signedIn('ADMIN');
    const german = await patch({ cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }, { locale: 'de' });
    expect(german.statusCode).toBe(400);
    expect(german.json().error.code).toBe('VALIDATION_ERROR');
    expect((await patch({ cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }, { locale: 'fr', name: 'x' })).statusCode).toBe(400);

    const { key } = await t.database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'key', actor: 'test' }, t));
    const byKey = await patch({ authorization: `Bearer ${key}` }, { locale: 'fr' });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().error.code).toBe('FORBIDDEN');
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${key}` } })).json().user).toBeUndefined();
  });
});
