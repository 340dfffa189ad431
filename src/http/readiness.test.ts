import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { buildApp, type App } from './app.js';
import { createLogger } from './logger.js';

describe('GET /readyz', () => {
  const opened: Array<{ app: App; database: Database }> = [];

  async function appOnFreshDatabase() {
    const database = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({}), database, logger: createLogger({ level: 'silent' }) });
    opened.push({ app, database });
    return { app, database };
  }

  afterEach(async () => {
    for (const { app, database } of opened.splice(0)) {
      await app.close();
      await database.close();
    }
  });

  it('is 200 ready when the database answers and every migration is applied', async () => {
    const { app } = await appOnFreshDatabase();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('is 503 not_ready when a migration is missing', async () => {
    const { app, database } = await appOnFreshDatabase();
    await database.pool.query('delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)');
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: { database: 'ok', migrations: 'pending' },
      error: { code: 'NOT_READY', message: expect.stringMatching(/^Not ready: 1 of \d+ migrations are not applied\.$/) },
    });
  });

  it('is 503 not_ready once the database is gone, and liveness still answers', async () => {
    const { app, database } = await appOnFreshDatabase();
    await app.ready();
    await database.close();
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: { database: 'unreachable', migrations: 'unknown' },
      error: { code: 'NOT_READY', message: 'Not ready: the database is unreachable.' },
    });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
