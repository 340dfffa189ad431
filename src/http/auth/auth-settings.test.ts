import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/database.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { createUser } from '../../services/users/create-user.js';
import { buildApp } from '../app.js';
import { createLogger } from '../logger.js';
import { AdjustableClock } from '../../providers/clock/index.js';

function captureLines() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('the session secret', () => {
  it('without SESSION_SECRET outside production: an ephemeral one and a warning, so tokens do not survive a restart', async () => {
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn' });
    const clock = new AdjustableClock();
    const { key } = await database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'p', actor: 'test' }, { clock }));
    const { user } = await database.db.transaction((tx) =>
      createUser(tx, { email: 'restart@example.test', name: 'R', role: 'CREATOR', creator: {}, actor: 'test' }, { config, clock }),
    );

    const first = captureLines();
    const before = await buildApp({ config, database, clock, logger: createLogger({ level: 'warn', destination: first.destination }) });
    const warning = first.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).find((line) => line.msg.includes('SESSION_SECRET'));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('ephemeral') });

    const issued = await before.inject({ method: 'POST', url: '/api/auth/tokens', headers: { authorization: `Bearer ${key}` }, payload: { userId: user.id } });
    const { token } = issued.json<{ token: string }>();
    expect((await before.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await before.close();

    const after = await buildApp({ config, database, clock, logger: createLogger({ level: 'silent' }) });
    expect((await after.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    await after.close();
    expect(first.lines.join('\n')).not.toContain(token);
  });

  it('with SESSION_SECRET: no warning, and tokens survive a restart', async () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-stable-session-secret-0123456789abcdef', STRIPE_SECRET_KEY: 'sk_live_auth_settings', STRIPE_WEBHOOK_SECRET: 'whsec_auth_settings', LOG_LEVEL: 'warn' });
    const clock = new AdjustableClock();
    const { key } = await database.db.transaction((tx) => createApiKey(tx, { role: 'PLATFORM', name: 'p', actor: 'test' }, { clock }));
    const { user } = await database.db.transaction((tx) =>
      createUser(tx, { email: 'stable@example.test', name: 'S', role: 'CREATOR', creator: {}, actor: 'test' }, { config, clock }),
    );
    const logs = captureLines();
    const before = await buildApp({ config, database, clock, logger: createLogger({ level: 'warn', destination: logs.destination }) });
    const { token } = (await before.inject({ method: 'POST', url: '/api/auth/tokens', headers: { authorization: `Bearer ${key}` }, payload: { userId: user.id } })).json<{
      token: string;
    }>();
    await before.close();
    expect(logs.lines.filter((line) => line.includes('SESSION_SECRET'))).toEqual([]);

    const after = await buildApp({ config, database, clock, logger: createLogger({ level: 'silent' }) });
    expect((await after.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await after.close();
  });
});
