import { eq, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { loadConfig } from '../../config/config.js';
import { rateLimitHits } from '../../db/schema/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { digestSecret } from '../../services/auth/secret-digest.js';
import { buildApp, type App } from '../app.js';
import { createLogger } from '../logger.js';
import { countRateLimitHit, RATE_LIMIT_PRUNE_INTERVAL_MS } from './database-rate-limit-store.js';
import { moneyRouteRateLimit, requireRoles } from './index.js';

/**
 * Rate limits counted in the database (RATE_LIMIT_STORE=database, the default): two instances
 * of the service on one database enforce one limit; windows follow the service clock; each
 * route keeps its own count; expired windows are pruned.
 */
let t: TestApp;
let second: App;
let memoryA: App;
let memoryB: App;
let platformKey: string;

async function instance(env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, database: t.database, clock: t.clock, stripe: t.stripe, logger: createLogger({ level: 'silent' }) });
  withMoneyRoutes(app);
  await app.ready();
  return app;
}

function withMoneyRoutes(app: App): void {
  for (const path of ['/test/money-a', '/test/money-b']) {
    app.post(path, { config: moneyRouteRateLimit, preValidation: requireRoles('PLATFORM', 'ADMIN') }, async () => ({ ok: true }));
  }
}

beforeAll(async () => {
  t = await createTestApp();
  withMoneyRoutes(t.app);
  await t.app.ready();
  second = await instance();
  memoryA = await instance({ RATE_LIMIT_STORE: 'memory' });
  memoryB = await instance({ RATE_LIMIT_STORE: 'memory' });
  platformKey = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'limits', actor: 'test' }, t))).key;
});
afterAll(async () => {
  await Promise.all([second?.close(), memoryA?.close(), memoryB?.close()]);
  await t?.close();
});

/** The stored key of the login limit: the route, then the limit's own key (address and email). */
const loginKeyHash = (email: string) => digestSecret(`POST /api/auth/login login:127.0.0.1:${email}`);
const logIn = (app: App, email: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'not the password' } });
const money = (app: App, path: string, key = platformKey) => app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${key}` }, payload: {} });

describe(`rate limits in the database on ${testDatabaseKind}`, () => {
  it('two instances on one database share the login limit: 10 attempts in all, then 429 on either', async () => {
    const email = `shared-${Math.random().toString(36).slice(2)}@example.test`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) statuses.push((await logIn(attempt % 2 === 0 ? t.app : second, email)).statusCode);
    expect(statuses).toEqual(Array(10).fill(401));
    const [onFirst, onSecond] = [await logIn(t.app, email), await logIn(second, email)];
    expect([onFirst.statusCode, onSecond.statusCode]).toEqual([429, 429]);
    expect(onSecond.json().error.code).toBe('RATE_LIMITED');
    expect(Number(onSecond.headers['retry-after'])).toBeGreaterThan(0);
    const [row] = await t.database.db.select().from(rateLimitHits).where(eq(rateLimitHits.keyHash, loginKeyHash(email)));
    expect(row?.hits).toBe(12);
  });

  it('with RATE_LIMIT_STORE=memory each instance counts alone (what the database store prevents)', async () => {
    const email = `apart-${Math.random().toString(36).slice(2)}@example.test`;
    for (let attempt = 0; attempt < 10; attempt++) await logIn(attempt % 2 === 0 ? memoryA : memoryB, email);
    expect((await logIn(memoryA, email)).statusCode).toBe(401);
    expect(await t.database.db.select().from(rateLimitHits).where(eq(rateLimitHits.keyHash, loginKeyHash(email)))).toEqual([]);
  });

  it('concurrent hits from both instances are each counted once', async () => {
    const key = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'burst', actor: 'test' }, t))).key;
    const replies = await Promise.all(Array.from({ length: 70 }, (_, i) => money(i % 2 === 0 ? t.app : second, '/test/money-a', key)));
    const statuses = replies.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const remaining = replies.filter((r) => r.statusCode === 200).map((r) => Number(r.headers['x-ratelimit-remaining']));
    expect(new Set(remaining).size).toBe(60); // every hit saw its own count: 59, 58, … 0
  });

  it('each route keeps its own count for a caller', async () => {
    const key = (await t.database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'routes', actor: 'test' }, t))).key;
    for (let i = 0; i < 60; i++) await money(t.app, '/test/money-a', key);
    expect((await money(second, '/test/money-a', key)).statusCode).toBe(429);
    expect((await money(second, '/test/money-b', key)).statusCode).toBe(200);
  });

  it('windows follow the service clock: a minute later the limit starts again', async () => {
    const email = `clock-${Math.random().toString(36).slice(2)}@example.test`;
    for (let attempt = 0; attempt < 11; attempt++) await logIn(second, email);
    expect((await logIn(t.app, email)).statusCode).toBe(429);
    t.clock.advance(61);
    expect((await logIn(t.app, email)).statusCode).toBe(401);
  });

  it('counts in one statement, restarts an expired window at 1, and prunes expired windows', async () => {
    const db = t.database.db;
    const start = t.clock.now();
    expect(await countRateLimitHit(db, 'unit', 1000, start)).toEqual({ current: 1, ttl: 1000 });
    expect(await countRateLimitHit(db, 'unit', 1000, new Date(start.getTime() + 400))).toEqual({ current: 2, ttl: 600 });
    expect(await countRateLimitHit(db, 'unit', 1000, new Date(start.getTime() + 1000))).toEqual({ current: 1, ttl: 1000 });
    const stored = await db.select().from(rateLimitHits);
    expect(stored.some((row) => row.keyHash === digestSecret('unit'))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('@example.test'); // keys (emails, addresses) are stored as digests

    t.clock.advance(RATE_LIMIT_PRUNE_INTERVAL_MS / 1000 + 120);
    await logIn(t.app, 'prune@example.test');
    const left = await db.select().from(rateLimitHits).where(lt(rateLimitHits.resetsAt, t.clock.now()));
    expect(left).toEqual([]);
    expect((await db.select().from(rateLimitHits)).length).toBeGreaterThan(0);
  });
});
