import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import type { Database } from '../db/database.js';
import { creatorAccount, platformAccount } from './accounts.js';
import { balances } from './balance.js';
import { postBatch } from './post-batch.js';
import { post } from './post-entry.js';
import type { LedgerEntryInput } from './validate-entry.js';
import { verifyLedger } from './verify-ledger.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const at = new Date('2026-11-01T10:00:00Z');
const cash = platformAccount('stripe_balance', 'eur');
const fund = (creator: string, amount: bigint): LedgerEntryInput => ({
  key: `fund-${creator}`,
  kind: 'payment.received',
  effectiveAt: at,
  postings: [
    { account: cash, debit: amount },
    { account: creatorAccount(creator, 'held', 'eur'), credit: amount },
  ],
});
const release = (creator: string, amount: bigint, key = `release-${creator}`): LedgerEntryInput => ({
  key,
  kind: 'payment.released',
  effectiveAt: at,
  postings: [
    { account: creatorAccount(creator, 'held', 'eur'), debit: amount },
    { account: creatorAccount(creator, 'available', 'eur'), credit: amount },
  ],
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );
}

describe(`postBatch on ${testDatabaseKind}`, () => {
  it('writes many entries at once with the same balances as posting them one by one', async () => {
    const creators = Array.from({ length: 50 }, (_, i) => `b${i}`);
    await database.db.transaction((tx) => postBatch(tx, creators.map((c, i) => fund(c, BigInt(1000 + i)))));
    const result = await database.db.transaction((tx) => postBatch(tx, creators.map((c, i) => release(c, BigInt(600 + i)))));
    expect(result).toEqual({ written: 50, skipped: 0 });
    const all = await balances(database.db, creators.flatMap((c) => [creatorAccount(c, 'held', 'eur'), creatorAccount(c, 'available', 'eur')]));
    creators.forEach((c, i) => {
      expect(all.get(creatorAccount(c, 'held', 'eur').code)).toBe(400n);
      expect(all.get(creatorAccount(c, 'available', 'eur').code)).toBe(BigInt(600 + i));
    });
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });

  it('skips entries already posted and refuses a key reused with other content', async () => {
    await database.db.transaction((tx) => post(tx, fund('bx', 500n)));
    await database.db.transaction((tx) => post(tx, release('bx', 100n)));
    const again = await database.db.transaction((tx) => postBatch(tx, [release('bx', 100n), release('bx', 50n, 'release-bx-2')]));
    expect(again).toEqual({ written: 1, skipped: 1 });
    expect(await codeOf(database.db.transaction((tx) => postBatch(tx, [release('bx', 99n)])))).toBe('LEDGER_KEY_REUSED');
    const all = await balances(database.db, [creatorAccount('bx', 'held', 'eur'), creatorAccount('bx', 'available', 'eur')]);
    expect([...all.values()]).toEqual([350n, 150n]);
  });

  it('refuses the whole batch when one entry would overdraw, writing nothing', async () => {
    await database.db.transaction((tx) => postBatch(tx, [fund('by', 100n), fund('bz', 100n)]));
    const count = async () => (await database.db.execute<{ n: number }>(sql`select count(*)::int as n from ledger_entries`)).rows[0]?.n;
    const before = await count();
    expect(await codeOf(database.db.transaction((tx) => postBatch(tx, [release('by', 50n), release('bz', 101n)])))).toBe('LEDGER_INSUFFICIENT_BALANCE');
    expect(await count()).toBe(before);
    expect(await codeOf(database.db.transaction((tx) => postBatch(tx, [release('by', 1n), release('by', 1n)])))).toBe('LEDGER_DUPLICATE_KEY_IN_BATCH');
    expect((await verifyLedger(database.db)).ok).toBe(true);
  });
});
