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

describe('payouts users list', () => {
  it('prints a table with both ids, filters by role and search, and prints JSON lines with --json', async () => {
    const env = { DATABASE_URL: database.url };
    const made = JSON.parse((await runPayouts(['users', 'create', '--email', 'lister.creator@example.test', '--name', 'Lister Creator', '--role', 'creator', '--stripe-account', 'acct_lister1'], env)).stdout) as {
      id: string;
      creatorId: string;
    };
    const admin = JSON.parse((await runPayouts(['users', 'create', '--email', 'lister.admin@example.test', '--name', 'Lister Admin', '--role', 'admin'], env)).stdout) as { id: string };

    const table = await runPayouts(['users', 'list', '--search', 'lister'], env);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USER ID +CREATOR ID +ROLE +NAME +EMAIL +STRIPE +ONBOARDING +CREATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${admin.id} +- +admin +Lister Admin +lister.admin@example.test +- +- +\\d{4}-\\d{2}-\\d{2}$`));
    expect(lines[2]).toMatch(new RegExp(`^${made.id} +${made.creatorId} +creator +Lister Creator +lister.creator@example.test +acct_lister1 +not_started +\\d{4}`));
    expect(lines.at(-1)).toBe('2 users');

    const creatorsOnly = await runPayouts(['users', 'list', '--role', 'creator', '--json', '--search', 'LISTER'], env);
    expect(creatorsOnly.code).toBe(0);
    const printed = creatorsOnly.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(printed).toEqual([
      {
        id: made.id,
        email: 'lister.creator@example.test',
        name: 'Lister Creator',
        role: 'CREATOR',
        creatorId: made.creatorId,
        stripeAccountId: 'acct_lister1',
        onboardingState: 'not_started',
        locale: 'en',
        withPassword: false,
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-/),
      },
    ]);
    expect((await runPayouts(['users', 'list', '--search', made.creatorId, '--json'], env)).stdout.trim().split('\n')).toHaveLength(1);
    expect((await runPayouts(['users', 'list', '--search', 'nobody-matches-this'], env)).stdout.trim()).toBe('No users match.');
    const badRole = await runPayouts(['users', 'list', '--role', 'platform'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Allowed choices are admin, creator');
  });
});
