import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { createTestDatabase } from '../../../test/database.js';
import type { Database } from '../../db/database.js';
import { apiKeys, auditEvents } from '../../db/schema/index.js';
import { authenticateApiKey } from '../../services/api-keys/authenticate-api-key.js';
import { digestSecret } from '../../services/auth/secret-digest.js';
import { AdjustableClock } from '../../providers/clock/index.js';

let database: Database & { url: string };

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('payouts api-keys create', () => {
  it.each([
    ['platform', 'PLATFORM'],
    ['admin', 'ADMIN'],
  ] as const)('--role %s prints the key once with its id; only its hash is stored, and it authenticates', async (option, role) => {
    const result = await runPayouts(['api-keys', 'create', '--role', option, '--name', 'shop backend'], { DATABASE_URL: database.url });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('it is not shown again');
    const printed = JSON.parse(result.stdout) as { id: string; key: string; role: string; name: string; prefix: string };
    expect(printed).toMatchObject({ id: expect.stringMatching(/^key_/), role, name: 'shop backend' });
    expect(printed.key).toMatch(new RegExp(`^pk_${option}_[A-Za-z0-9_-]{43}$`));
    expect(printed.key.startsWith(printed.prefix)).toBe(true);

    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, printed.id));
    expect(row!.keyHash).toBe(digestSecret(printed.key));
    expect(JSON.stringify(row)).not.toContain(printed.key);
    expect(await authenticateApiKey(database.db, printed.key, { clock: new AdjustableClock() })).toEqual({ id: printed.id, role });
  });

  it('refuses a bad role with exit 2', async () => {
    const result = await runPayouts(['api-keys', 'create', '--role', 'creator', '--name', 'x'], { DATABASE_URL: database.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are admin, platform');
  });
});

describe('payouts api-keys list and revoke', () => {
  const env = () => ({ DATABASE_URL: database.url });
  const createKey = async (name: string) => JSON.parse((await runPayouts(['api-keys', 'create', '--role', 'platform', '--name', name], env())).stdout) as { id: string; key: string; prefix: string };
  const listed = async (...args: string[]) => {
    const result = await runPayouts(['api-keys', 'list', ...args], env());
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; status: string; prefix: string; revokedAt: string | null });
  };

  it('lists keys without their secret, revokes one so that it no longer authenticates, and says so when asked again', async () => {
    const kept = await createKey('kept');
    const lost = await createKey('lost');
    const all = await listed();
    expect(all.map((k) => k.id)).toEqual(expect.arrayContaining([kept.id, lost.id]));
    expect(JSON.stringify(all)).not.toContain(lost.key);
    expect(all.find((k) => k.id === lost.id)).toMatchObject({ status: 'active', prefix: lost.prefix, revokedAt: null });

    const revoked = await runPayouts(['api-keys', 'revoke', lost.id, '--reason', 'leaked in a log'], env());
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: lost.id, status: 'revoked', alreadyRevoked: false });
    expect(await authenticateApiKey(database.db, lost.key, { clock: new AdjustableClock() })).toBeUndefined();
    expect(await authenticateApiKey(database.db, kept.key, { clock: new AdjustableClock() })).toMatchObject({ id: kept.id });
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, lost.id), eq(auditEvents.action, 'api_key.revoked')));
    expect(audit).toMatchObject({ actor: 'system:cli', reason: 'leaked in a log' });

    const again = await runPayouts(['api-keys', 'revoke', lost.id], env());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: lost.id, alreadyRevoked: true });
    expect((await listed('--status', 'revoked')).map((k) => k.id)).toContain(lost.id);
    expect((await listed('--status', 'active')).map((k) => k.id)).not.toContain(lost.id);
  });

  it('an unknown id exits 1 with API_KEY_NOT_FOUND; a bad status exits 2', async () => {
    const unknown = await runPayouts(['api-keys', 'revoke', 'key_nope'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('API_KEY_NOT_FOUND: No API key key_nope');
    const bad = await runPayouts(['api-keys', 'list', '--status', 'lost'], env());
    expect(bad.code).toBe(2);
  });
});
