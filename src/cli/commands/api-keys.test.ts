import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { createTestDatabase } from '../../../test/database.js';
import type { Database } from '../../db/database.js';
import { apiKeys } from '../../db/schema/index.js';
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
