import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import type { Database } from '../db/database.js';
import { isAppError } from '../domain/errors/index.js';
import { creatorAccount, platformAccount } from './accounts.js';
import { balance, balances } from './balance.js';
import { history } from './history.js';
import { post } from './post-entry.js';
import { verifyLedger } from './verify-ledger.js';
import type { LedgerEntryInput } from './validate-entry.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 8 });
});
afterAll(async () => {
  await database?.close();
});

const at = new Date('2026-11-01T10:00:00Z');
const cash = platformAccount('stripe_balance', 'eur');
const fees = platformAccount('fees', 'eur');

function paymentEntry(key: string, creatorId: string, amount: bigint, fee: bigint): LedgerEntryInput {
  return {
    key,
    kind: 'payment.received',
    effectiveAt: at,
    postings: [
      { account: cash, debit: amount },
      { account: creatorAccount(creatorId, 'held', 'eur'), credit: amount - fee },
      { account: fees, credit: fee },
    ],
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe(`ledger post on ${testDatabaseKind}`, () => {
  it('writes postings and natural-sign balances in one transaction', async () => {
    const result = await database.db.transaction((tx) => post(tx, paymentEntry('pay-1', 'c1', 12600n, 1260n)));
    expect(result.duplicate).toBe(false);
    expect(await balance(database.db, creatorAccount('c1', 'held', 'eur'))).toBe(11340n);
    expect(await balance(database.db, fees)).toBe(1260n);
    const held = creatorAccount('c1', 'held', 'eur');
    const all = await balances(database.db, [held, cash, 'creator:nobody:held:eur']);
    expect(all.get(held.code)).toBe(11340n);
    expect(all.get('creator:nobody:held:eur')).toBe(0n);
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('treats a repeated key with the same content as a no-op', async () => {
    const entry = paymentEntry('pay-dup', 'c2', 5000n, 500n);
    const first = await database.db.transaction((tx) => post(tx, entry));
    const second = await database.db.transaction((tx) => post(tx, entry));
    expect(second).toEqual({ entryId: first.entryId, duplicate: true });
    expect(await balance(database.db, creatorAccount('c2', 'held', 'eur'))).toBe(4500n);
  });

  it('refuses a reused key with different content and changes nothing', async () => {
    await database.db.transaction((tx) => post(tx, paymentEntry('pay-reuse', 'c3', 5000n, 500n)));
    const error = await rejection(database.db.transaction((tx) => post(tx, paymentEntry('pay-reuse', 'c3', 6000n, 600n))));
    expect(error.code).toBe('LEDGER_KEY_REUSED');
    expect(await balance(database.db, creatorAccount('c3', 'held', 'eur'))).toBe(4500n);
  });

  it('refuses an overdraft on an account that may not go negative, writing nothing', async () => {
    const before = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from ledger_entries`);
    const error = await rejection(
      database.db.transaction((tx) =>
        post(tx, {
          key: 'overdraft-1',
          kind: 'payout.reserved',
          effectiveAt: at,
          postings: [
            { account: creatorAccount('c4', 'available', 'eur'), debit: 100n },
            { account: creatorAccount('c4', 'reserved', 'eur'), credit: 100n },
          ],
        }),
      ),
    );
    expect(error.code).toBe('LEDGER_INSUFFICIENT_BALANCE');
    const after = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from ledger_entries`);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('pages through an account history, newest first', async () => {
    const held = creatorAccount('c5', 'held', 'eur');
    for (let i = 1; i <= 5; i++) await database.db.transaction((tx) => post(tx, paymentEntry(`hist-${i}`, 'c5', BigInt(i * 1000), 0n + BigInt(i))));
    const page1 = await history(database.db, held, { limit: 2 });
    expect(page1.data.map((l) => l.entryKey)).toEqual(['hist-5', 'hist-4']);
    expect(page1.data[0]?.change).toBe(5000n - 5n);
    const page2 = await history(database.db, held, { limit: 2, cursor: page1.nextCursor });
    const page3 = await history(database.db, held, { limit: 2, cursor: page2.nextCursor });
    expect([...page2.data, ...page3.data].map((l) => l.entryKey)).toEqual(['hist-3', 'hist-2', 'hist-1']);
    expect(page3.nextCursor).toBeNull();
  });
});
