import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import type { Database } from '../db/database.js';
import { creatorAccount, platformAccount } from './accounts.js';
import { post } from './post-entry.js';
import { formatLedgerVerification, verifyLedger } from './verify-ledger.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.transaction((tx) =>
    post(tx, {
      key: 'v-1',
      kind: 'payment.received',
      effectiveAt: new Date(),
      postings: [
        { account: platformAccount('stripe_balance', 'eur'), debit: 1000n },
        { account: creatorAccount('v1', 'held', 'eur'), credit: 900n },
        { account: platformAccount('fees', 'eur'), credit: 100n },
      ],
    }),
  );
});
afterAll(async () => {
  await database?.close();
});

describe(`verifyLedger on ${testDatabaseKind}`, () => {
  it('passes on a consistent ledger', async () => {
    const verification = await verifyLedger(database.db);
    expect(verification.ok).toBe(true);
    expect(formatLedgerVerification(verification)).toMatch(/all 9 invariants hold/);
  });

  it('reports a corrupted balance row, naming the account and both figures', async () => {
    await database.db.execute(sql`update ledger_balances set balance = balance + 5 where account_code = 'creator:v1:held:eur'`);
    const verification = await verifyLedger(database.db);
    expect(verification.ok).toBe(false);
    const failed = verification.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(['balance table equals the sum of postings']);
    expect(failed[0]?.failures).toEqual(['creator:v1:held:eur: balance table says 905, postings say 900']);
    expect(formatLedgerVerification(verification)).toMatch(/FAILED: 1 of 9/);
    await database.db.execute(sql`update ledger_balances set balance = balance - 5 where account_code = 'creator:v1:held:eur'`);
  });

  it('reports a negative balance on an account that may not go negative', async () => {
    await database.db.execute(sql`update ledger_balances set balance = -1 where account_code = 'creator:v1:held:eur'`);
    const names = (await verifyLedger(database.db)).checks.filter((c) => !c.ok).map((c) => c.name);
    expect(names).toContain('accounts that may not go negative are not negative');
    await database.db.execute(sql`update ledger_balances set balance = 900 where account_code = 'creator:v1:held:eur'`);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('reports a posting whose account is gone (postings carry no foreign key)', async () => {
    await database.db.execute(sql`insert into ledger_postings (entry_id, account_code, currency, amount) values (1, 'creator:ghost:held:eur', 'eur', 5)`);
    const failed = (await verifyLedger(database.db)).checks.filter((c) => !c.ok);
    expect(failed.find((c) => c.name === 'every posting belongs to an entry and an account')?.failures).toEqual([
      expect.stringMatching(/^posting \d+ refers to no account \(creator:ghost:held:eur\)$/),
    ]);
  });

  it('keeps entries and postings append-only', async () => {
    await expect(database.db.execute(sql`update ledger_postings set amount = amount + 1`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) } });
    await expect(database.db.execute(sql`delete from ledger_entries`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) } });
  });
});
