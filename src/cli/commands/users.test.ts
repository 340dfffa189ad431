import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { createTestDatabase } from '../../../test/database.js';
import type { Database } from '../../db/database.js';
import { auditEvents, creators, users } from '../../db/schema/index.js';
import { verifyPassword } from '../../services/auth/password-hash.js';

let database: Database & { url: string };

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('payouts users create', () => {
  it('creates an admin with a password and prints {"id": …}', async () => {
    const result = await runPayouts(['users', 'create', '--email', 'Root@Example.test', '--name', 'Root', '--role', 'admin', '--password', 'a long password'], {
      DATABASE_URL: database.url,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { id: string };
    expect(Object.keys(printed)).toEqual(['id']);
    const [user] = await database.db.select().from(users).where(eq(users.id, printed.id));
    expect(user).toMatchObject({ email: 'Root@Example.test', name: 'Root', role: 'ADMIN' });
    expect(await verifyPassword('a long password', user!.passwordHash)).toBe(true);
    expect(result.stdout).not.toContain('a long password');
    const [event] = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, printed.id));
    expect(event).toMatchObject({ action: 'user.created', actor: 'system:cli' });
  });

  it('creates a creator linked to a Stripe account, printing its creator id too, in the default currency', async () => {
    const result = await runPayouts(['users', 'create', '--email', 'ana@example.test', '--name', 'Ana', '--role', 'creator', '--stripe-account', 'acct_cli123'], {
      DATABASE_URL: database.url,
      DEFAULT_CURRENCY: 'usd',
    });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { id: string; creatorId: string };
    expect(printed).toEqual({ id: expect.stringMatching(/^usr_/), creatorId: expect.stringMatching(/^cr_/) });
    const [creator] = await database.db.select().from(creators).where(eq(creators.id, printed.creatorId));
    expect(creator).toMatchObject({ userId: printed.id, stripeAccountId: 'acct_cli123', currency: 'usd' });
  });

  it('refuses a taken email (exit 1), a bad role or a missing option (exit 2), saying why', async () => {
    const env = { DATABASE_URL: database.url };
    const taken = await runPayouts(['users', 'create', '--email', 'ANA@example.test', '--name', 'Ana again', '--role', 'creator'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^EMAIL_TAKEN: /);

    const badRole = await runPayouts(['users', 'create', '--email', 'x@example.test', '--name', 'X', '--role', 'platform'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("Allowed choices are admin, creator");

    const missing = await runPayouts(['users', 'create', '--email', 'x@example.test', '--role', 'admin'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");

    const short = await runPayouts(['users', 'create', '--email', 'y@example.test', '--name', 'Y', '--role', 'admin', '--password', 'short'], env);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^PASSWORD_TOO_SHORT: /);
  });
});
