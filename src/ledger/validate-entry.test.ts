import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors/index.js';
import { creatorAccount, platformAccount } from './accounts.js';
import { validateEntry, type LedgerEntryInput } from './validate-entry.js';

const at = new Date('2026-11-01T00:00:00Z');
const cash = platformAccount('stripe_balance', 'eur');
const held = creatorAccount('c1', 'held', 'eur');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('validateEntry', () => {
  const base: LedgerEntryInput = { key: 'k', kind: 'test', effectiveAt: at, postings: [{ account: cash, debit: 10n }, { account: held, credit: 10n }] };

  it.each([
    ['a balanced entry', base, 'accepted'],
    ['one posting', { ...base, postings: [{ account: cash, debit: 10n }] }, 'LEDGER_TOO_FEW_POSTINGS'],
    ['debits above credits', { ...base, postings: [{ account: cash, debit: 11n }, { account: held, credit: 10n }] }, 'LEDGER_UNBALANCED'],
    ['zero amount', { ...base, postings: [{ account: cash, debit: 0n }, { account: held, credit: 0n }] }, 'LEDGER_INVALID_AMOUNT'],
    ['negative amount', { ...base, postings: [{ account: cash, debit: -5n }, { account: held, credit: -5n }] }, 'LEDGER_INVALID_AMOUNT'],
    ['a number instead of a bigint', { ...base, postings: [{ account: cash, debit: 5 as unknown as bigint }, { account: held, credit: 5n }] }, 'LEDGER_INVALID_AMOUNT'],
    ['both debit and credit', { ...base, postings: [{ account: cash, debit: 5n, credit: 5n } as never, { account: held, credit: 5n }] }, 'LEDGER_INVALID_POSTING'],
    ['balanced across two currencies only', { ...base, postings: [{ account: cash, debit: 5n }, { account: creatorAccount('c1', 'held', 'usd'), credit: 5n }] }, 'LEDGER_UNBALANCED'],
    ['empty key', { ...base, key: '' }, 'LEDGER_INVALID_KEY'],
    ['invalid date', { ...base, effectiveAt: new Date('nope') }, 'LEDGER_INVALID_DATE'],
    ['one code with two definitions', { ...base, postings: [{ account: cash, debit: 5n }, { account: { ...cash, allowNegative: false }, credit: 5n }] }, 'LEDGER_ACCOUNT_MISMATCH'],
  ])('%s → %s', (_name, entry, expected) => {
    expect(codeOf(() => validateEntry(entry as LedgerEntryInput))).toBe(expected);
  });

  it('accepts an entry balanced in each of two currencies', () => {
    const usdCash = platformAccount('stripe_balance', 'usd');
    const usdHeld = creatorAccount('c1', 'held', 'usd');
    const entry = { ...base, postings: [{ account: cash, debit: 5n }, { account: held, credit: 5n }, { account: usdCash, debit: 7n }, { account: usdHeld, credit: 7n }] };
    expect(validateEntry(entry).postings.map((p) => p.amount)).toEqual([5n, -5n, 7n, -7n]);
  });

  it('hashes content independently of posting order, and differently for other amounts', () => {
    const a = validateEntry(base).contentHash;
    const b = validateEntry({ ...base, postings: [...base.postings].reverse() }).contentHash;
    const c = validateEntry({ ...base, postings: [{ account: cash, debit: 11n }, { account: held, credit: 11n }] }).contentHash;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('refuses account codes that cannot be stored', () => {
    expect(codeOf(() => creatorAccount('has:colon', 'held', 'eur'))).toBe('LEDGER_INVALID_ACCOUNT');
    expect(codeOf(() => platformAccount('fees', 'EUR'))).toBe('LEDGER_INVALID_CURRENCY');
  });
});
