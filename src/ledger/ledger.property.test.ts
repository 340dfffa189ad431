import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import type { Database } from '../db/database.js';
import { isAppError } from '../domain/errors/index.js';
import { creatorAccount, platformAccount, type LedgerAccount } from './accounts.js';
import { balances } from './balance.js';
import { post } from './post-entry.js';
import type { LedgerEntryInput, LedgerPostingInput } from './validate-entry.js';
import { verifyLedger } from './verify-ledger.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const at = new Date('2026-11-01T10:00:00Z');
let runCounter = 0;

/** The accounts one property run plays with: fresh creators, shared platform accounts. */
function universe(run: number): Record<'eur' | 'jpy', LedgerAccount[]> {
  const make = (currency: 'eur' | 'jpy') => [
    creatorAccount(`r${run}a`, 'held', currency),
    creatorAccount(`r${run}a`, 'available', currency),
    creatorAccount(`r${run}b`, 'available', currency),
    creatorAccount(`r${run}b`, 'reserved', currency),
    creatorAccount(`r${run}b`, 'receivable', currency),
    platformAccount('stripe_balance', currency),
    platformAccount('fees', currency),
  ];
  return { eur: make('eur'), jpy: make('jpy') };
}

type Command =
  | { type: 'valid'; currency: 'eur' | 'jpy'; legs: Array<{ account: number; debit: boolean; amount: bigint }> }
  | { type: 'unbalanced'; currency: 'eur' | 'jpy'; account: number; amount: bigint }
  | { type: 'mixed'; amount: bigint }
  | { type: 'reuse'; amount: bigint }
  | { type: 'repeat' };

const amount = fc.bigInt({ min: 1n, max: 50_000n });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('valid' as const),
      currency: fc.constantFrom('eur' as const, 'jpy' as const),
      legs: fc.array(fc.record({ account: fc.nat({ max: 6 }), debit: fc.boolean(), amount }), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('unbalanced' as const), currency: fc.constantFrom('eur' as const, 'jpy' as const), account: fc.nat({ max: 6 }), amount }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('mixed' as const), amount }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('reuse' as const), amount }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('repeat' as const) }) },
);

/** Turn legs into a balanced entry: a last posting on the platform cash account settles the difference. */
function balancedPostings(accounts: LedgerAccount[], legs: Array<{ account: number; debit: boolean; amount: bigint }>): LedgerPostingInput[] {
  const postings: LedgerPostingInput[] = legs.map((leg) => {
    const account = accounts[leg.account]!;
    return leg.debit ? { account, debit: leg.amount } : { account, credit: leg.amount };
  });
  const net = legs.reduce((sum, leg) => sum + (leg.debit ? leg.amount : -leg.amount), 0n);
  const settle = accounts[5]!; // stripe_balance, may go negative
  if (net > 0n) postings.push({ account: settle, credit: net });
  else if (net < 0n) postings.push({ account: settle, debit: -net });
  else postings.push({ account: settle, debit: 1n }, { account: accounts[6]!, credit: 1n });
  return postings;
}

function naturalEffect(postings: LedgerPostingInput[]): Map<string, bigint> {
  const effect = new Map<string, bigint>();
  for (const p of postings) {
    const raw = p.debit !== undefined ? p.debit : -p.credit;
    const natural = p.account.normalSide === 'debit' ? raw : -raw;
    effect.set(p.account.code, (effect.get(p.account.code) ?? 0n) + natural);
  }
  return effect;
}

async function snapshot(accounts: LedgerAccount[]) {
  const counts = await database.db.execute<{ entries: number; postings: number }>(
    sql`select (select count(*)::int from ledger_entries) as entries, (select count(*)::int from ledger_postings) as postings`,
  );
  return { balances: await balances(database.db, accounts), counts: counts.rows[0] };
}

async function expectRefused(entry: LedgerEntryInput, code: string, accounts: LedgerAccount[]) {
  const before = await snapshot(accounts);
  let caught: unknown;
  try {
    await database.db.transaction((tx) => post(tx, entry));
  } catch (error) {
    caught = error;
  }
  expect(isAppError(caught) ? caught.code : caught).toBe(code);
  expect(await snapshot(accounts)).toEqual(before);
}

describe(`ledger invariants under random entries on ${testDatabaseKind}`, () => {
  it('valid entries keep every invariant and match a model; invalid ones are refused and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const run = ++runCounter;
        const accounts = universe(run);
        const all = [...accounts.eur, ...accounts.jpy];
        const model = await balances(database.db, all);
        const posted: LedgerEntryInput[] = [];
        for (const [i, cmd] of commands.entries()) {
          const key = `prop-${run}-${i}`;
          if (cmd.type === 'valid') {
            const entry: LedgerEntryInput = { key, kind: 'test.move', effectiveAt: at, postings: balancedPostings(accounts[cmd.currency], cmd.legs) };
            const effect = naturalEffect(entry.postings);
            const overdraws = [...effect].some(([code, delta]) => {
              const account = all.find((a) => a.code === code)!;
              return !account.allowNegative && (model.get(code) ?? 0n) + delta < 0n;
            });
            if (overdraws) {
              await expectRefused(entry, 'LEDGER_INSUFFICIENT_BALANCE', all);
            } else {
              const result = await database.db.transaction((tx) => post(tx, entry));
              expect(result.duplicate).toBe(false);
              for (const [code, delta] of effect) model.set(code, (model.get(code) ?? 0n) + delta);
              posted.push(entry);
            }
          } else if (cmd.type === 'unbalanced') {
            const account = accounts[cmd.currency][cmd.account]!;
            const other = accounts[cmd.currency][5]!;
            await expectRefused(
              { key, kind: 'test.bad', effectiveAt: at, postings: [{ account, debit: cmd.amount + 1n }, { account: other === account ? accounts[cmd.currency][6]! : other, credit: cmd.amount }] },
              'LEDGER_UNBALANCED',
              all,
            );
          } else if (cmd.type === 'mixed') {
            await expectRefused(
              { key, kind: 'test.bad', effectiveAt: at, postings: [{ account: accounts.eur[5]!, debit: cmd.amount }, { account: accounts.jpy[6]!, credit: cmd.amount }] },
              'LEDGER_UNBALANCED',
              all,
            );
          } else if (cmd.type === 'reuse' && posted.length > 0) {
            const previous = posted[posted.length - 1]!;
            await expectRefused(
              { ...previous, postings: [{ account: accounts.eur[5]!, debit: cmd.amount }, { account: accounts.eur[6]!, credit: cmd.amount }] },
              'LEDGER_KEY_REUSED',
              all,
            );
          } else if (cmd.type === 'repeat' && posted.length > 0) {
            const before = await snapshot(all);
            const result = await database.db.transaction((tx) => post(tx, posted[0]!));
            expect(result.duplicate).toBe(true);
            expect(await snapshot(all)).toEqual(before);
          }
          expect(await balances(database.db, all)).toEqual(model);
        }
        const verification = await verifyLedger(database.db);
        expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
