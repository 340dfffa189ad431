import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { apiKeys, auditEvents } from '../../db/schema/index.js';

let t: TestApp;
let who: TestPrincipals;

beforeAll(async () => {
  t = await createTestApp();
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const create = (payload: unknown, headers = who.headers.admin) => t.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers, payload: payload as object });
const revoke = (id: string, payload?: unknown, headers = who.headers.admin) =>
  t.app.inject({ method: 'POST', url: `/api/admin/api-keys/${id}/revoke`, headers, ...(payload !== undefined && { payload: payload as object }) });
const list = (query = '') => t.app.inject({ method: 'GET', url: `/api/admin/api-keys${query}`, headers: who.headers.admin });
const auditFor = (id: string, action: string) =>
  t.database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, action)));

describe(`API keys for admins on ${testDatabaseKind}`, () => {
  it('creates a key shown once, lists it without its secret, and the key works at once', async () => {
    const reply = await create({ role: 'PLATFORM', name: '  shop backend  ' });
    expect(reply.statusCode, reply.body).toBe(201);
    const { apiKey, key } = reply.json();
    expect(apiKey).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'shop backend', role: 'PLATFORM', status: 'active', lastUsedAt: null, revokedAt: null });
    expect(key).toMatch(/^pk_platform_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);

    // The new key authenticates as a platform (it may open tokens for users).
    const token = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: bearer(key), payload: { userId: who.creator.userId } });
    expect(token.statusCode, token.body).toBe(200);

    const listed = await list();
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(key);
    expect(listed.body).not.toMatch(/keyHash|key_hash/);
    const row = listed.json().data.find((k: { id: string }) => k.id === apiKey.id);
    expect(row).toMatchObject({ status: 'active', prefix: apiKey.prefix });
    expect(row.lastUsedAt).not.toBeNull();

    const [audit] = await auditFor(apiKey.id, 'api_key.created');
    expect(audit).toMatchObject({ actor: expect.stringMatching(/^api_key:key_/), subjectType: 'api_key' });
  });

  it('lists newest first and filters by status', async () => {
    const first = (await create({ role: 'ADMIN', name: 'first' })).json().apiKey;
    const second = (await create({ role: 'ADMIN', name: 'second' })).json().apiKey;
    t.clock.advance(1);
    await revoke(first.id);
    const all = (await list()).json().data.map((k: { id: string }) => k.id);
    expect(all.indexOf(second.id)).toBeLessThan(all.indexOf(first.id));
    const active = (await list('?status=active')).json().data;
    const revoked = (await list('?status=revoked')).json().data;
    expect(active.every((k: { status: string }) => k.status === 'active')).toBe(true);
    expect(revoked.every((k: { status: string }) => k.status === 'revoked')).toBe(true);
    expect(active.map((k: { id: string }) => k.id)).toContain(second.id);
    expect(revoked.map((k: { id: string }) => k.id)).toEqual([first.id]);
    expect((await list('?status=lost')).statusCode).toBe(400);
  });

  it('revokes: the next request with the key gets 401, and the reason is audited', async () => {
    const { apiKey, key } = (await create({ role: 'ADMIN', name: 'ops laptop' })).json();
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: bearer(key) })).statusCode).toBe(200);

    const before = t.clock.now().getTime();
    const reply = await revoke(apiKey.id, { reason: 'laptop lost' });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({ alreadyRevoked: false, apiKey: { id: apiKey.id, status: 'revoked' } });
    const revokedAt = Date.parse(reply.json().apiKey.revokedAt);
    expect(revokedAt).toBeGreaterThanOrEqual(before);
    expect(revokedAt).toBeLessThanOrEqual(t.clock.now().getTime());

    const refused = await t.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: bearer(key) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('UNAUTHENTICATED');
    const audits = await auditFor(apiKey.id, 'api_key.revoked');
    expect(audits).toMatchObject([{ actor: expect.stringMatching(/^api_key:/), fromStatus: 'active', toStatus: 'revoked', reason: 'laptop lost' }]);
  });

  it('a revoked key can revoke nothing more, not even itself', async () => {
    const { apiKey, key } = (await create({ role: 'ADMIN', name: 'self' })).json();
    const other = (await create({ role: 'ADMIN', name: 'other' })).json().apiKey;
    expect((await revoke(apiKey.id, undefined, bearer(key))).statusCode).toBe(200);
    expect((await revoke(other.id, undefined, bearer(key))).statusCode).toBe(401);
    expect((await list('?status=active')).json().data.map((k: { id: string }) => k.id)).toContain(other.id);
  });

  it('revoking twice, or from two admins at once, revokes once and audits once', async () => {
    const { apiKey } = (await create({ role: 'PLATFORM', name: 'twice' })).json();
    const replies = await Promise.all(Array.from({ length: 5 }, () => revoke(apiKey.id)));
    expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(replies.filter((r) => r.json().alreadyRevoked === false)).toHaveLength(1);
    const revokedAt = new Set(replies.map((r) => r.json().apiKey.revokedAt));
    expect(revokedAt.size).toBe(1);

    t.clock.advance(60);
    const again = await revoke(apiKey.id);
    expect(again.json()).toMatchObject({ alreadyRevoked: true, apiKey: { revokedAt: [...revokedAt][0] } });
    expect(await auditFor(apiKey.id, 'api_key.revoked')).toHaveLength(1);
  });

  it('refuses bad input with a stable code and changes nothing', async () => {
    const before = (await t.database.db.select({ id: apiKeys.id }).from(apiKeys)).length;
    for (const [payload, param] of [
      [{ role: 'CREATOR', name: 'x' }, 'role'],
      [{ role: 'ADMIN', name: '   ' }, 'name'],
      [{ role: 'ADMIN' }, 'name'],
      [{ role: 'ADMIN', name: 'x', key: 'pk_admin_mine' }, undefined],
    ] as const) {
      const reply = await create(payload);
      expect(reply.statusCode, JSON.stringify(payload)).toBe(400);
      expect(reply.json().error.code).toBe('VALIDATION_ERROR');
      if (param) expect(reply.body).toContain(param);
    }
    expect((await t.database.db.select({ id: apiKeys.id }).from(apiKeys)).length).toBe(before);

    const unknown = await revoke('key_unknown');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'API_KEY_NOT_FOUND', message: 'No API key key_unknown' });
    const kept = (await create({ role: 'ADMIN', name: 'kept' })).json().apiKey;
    expect((await revoke(kept.id, { reason: 'x'.repeat(501) })).statusCode).toBe(400);
    expect((await revoke(kept.id, { why: 'typo' })).statusCode).toBe(400);
    expect(await auditFor(kept.id, 'api_key.revoked')).toHaveLength(0);
    expect((await list('?status=active')).json().data.map((k: { id: string }) => k.id)).toContain(kept.id);
  });

  it('is for admins only: a platform key can neither list, create nor revoke keys', async () => {
    const target = (await create({ role: 'ADMIN', name: 'target' })).json().apiKey;
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: who.headers.platform })).statusCode).toBe(403);
    expect((await create({ role: 'ADMIN', name: 'escalate' }, who.headers.platform)).statusCode).toBe(403);
    expect((await revoke(target.id, undefined, who.headers.platform)).statusCode).toBe(403);
    expect((await revoke(target.id, undefined, who.headers.creator)).statusCode).toBe(403);
    expect((await list('?status=active')).json().data.map((k: { id: string }) => k.id)).toContain(target.id);
  });
});
