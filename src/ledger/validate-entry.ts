import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors/index.js';
import { MAX_AMOUNT_MINOR } from '../domain/money/index.js';
import type { LedgerAccount } from './accounts.js';

export type LedgerPostingInput =
  | { account: LedgerAccount; debit: bigint; credit?: never }
  | { account: LedgerAccount; credit: bigint; debit?: never };

export interface LedgerEntryInput {
  /** Idempotency key: posting the same entry twice is a no-op; the same key with other content is refused. */
  key: string;
  /** What happened, e.g. `payment.received`, `payout.reserved`. */
  kind: string;
  postings: LedgerPostingInput[];
  /** When it happened, from the service clock. */
  effectiveAt: Date;
  description?: string;
  metadata?: Record<string, unknown>;
}

export interface NormalizedPosting {
  account: LedgerAccount;
  /** Debit positive, credit negative. */
  amount: bigint;
}

export interface NormalizedEntry {
  key: string;
  kind: string;
  postings: NormalizedPosting[];
  contentHash: string;
}

function refuse(code: string, message: string, details?: Record<string, unknown>): never {
  throw new AppError(code, message, { kind: 'invalid', details });
}

/**
 * Check an entry before anything is written: at least two postings, each a positive integer
 * debit or credit of at most `MAX_AMOUNT_MINOR`, consistent account definitions and currencies, and debits equal to credits
 * in every currency. Returns the postings signed (debit +, credit −) and a hash of the content
 * that makes key reuse with other content detectable.
 */
export function validateEntry(entry: LedgerEntryInput): NormalizedEntry {
  if (typeof entry.key !== 'string' || entry.key.length === 0 || entry.key.length > 200) {
    refuse('LEDGER_INVALID_KEY', 'a ledger entry needs an idempotency key of 1 to 200 characters');
  }
  if (typeof entry.kind !== 'string' || entry.kind.length === 0) refuse('LEDGER_INVALID_KIND', 'a ledger entry needs a kind');
  if (!(entry.effectiveAt instanceof Date) || Number.isNaN(entry.effectiveAt.getTime())) {
    refuse('LEDGER_INVALID_DATE', 'a ledger entry needs a valid effectiveAt date');
  }
  if (!Array.isArray(entry.postings) || entry.postings.length < 2) {
    refuse('LEDGER_TOO_FEW_POSTINGS', `ledger entry ${entry.key} has ${entry.postings?.length ?? 0} posting(s); at least 2 are needed`);
  }
  const accounts = new Map<string, LedgerAccount>();
  const sums = new Map<string, bigint>();
  const postings = entry.postings.map((posting, index): NormalizedPosting => {
    const { account } = posting;
    const hasDebit = posting.debit !== undefined;
    const hasCredit = posting.credit !== undefined;
    if (hasDebit === hasCredit) refuse('LEDGER_INVALID_POSTING', `posting ${index} of ${entry.key} must have exactly one of debit or credit`);
    const value = (hasDebit ? posting.debit : posting.credit) as unknown;
    if (typeof value !== 'bigint') refuse('LEDGER_INVALID_AMOUNT', `posting ${index} of ${entry.key}: amounts are bigint minor units`);
    if (value <= 0n) refuse('LEDGER_INVALID_AMOUNT', `posting ${index} of ${entry.key}: amounts must be positive (got ${value})`);
    if (value > MAX_AMOUNT_MINOR) {
      refuse('LEDGER_INVALID_AMOUNT', `posting ${index} of ${entry.key}: amounts are at most ${MAX_AMOUNT_MINOR} minor units (got ${value})`);
    }
    const known = accounts.get(account.code);
    if (known && !sameDefinition(known, account)) {
      refuse('LEDGER_ACCOUNT_MISMATCH', `account ${account.code} appears with two different definitions in ${entry.key}`);
    }
    if (!account.code.endsWith(`:${account.currency}`)) {
      refuse('LEDGER_ACCOUNT_MISMATCH', `account ${account.code} is not a ${account.currency} account`);
    }
    accounts.set(account.code, account);
    const amount = hasDebit ? value : -value;
    sums.set(account.currency, (sums.get(account.currency) ?? 0n) + amount);
    return { account, amount };
  });
  for (const [currency, sum] of sums) {
    if (sum !== 0n) {
      refuse('LEDGER_UNBALANCED', `ledger entry ${entry.key} does not balance in ${currency}: debits exceed credits by ${sum}`, {
        currency,
        difference: sum.toString(),
      });
    }
  }
  const contentHash = createHash('sha256')
    .update(JSON.stringify([entry.kind, postings.map((p) => [p.account.code, p.amount.toString()]).sort()]))
    .digest('hex');
  return { key: entry.key, kind: entry.kind, postings, contentHash };
}

function sameDefinition(a: LedgerAccount, b: LedgerAccount): boolean {
  return a.currency === b.currency && a.normalSide === b.normalSide && a.allowNegative === b.allowNegative && a.buckets === b.buckets;
}

/**
 * Postings as the `ledger_post` SQL functions take them (jsonb): account code, currency, normal
 * side, may-go-negative, buckets, and the signed amount as a string (exact beyond 2^53).
 */
export function postingsPayload(postings: NormalizedPosting[]) {
  return postings.map(({ account, amount }) => ({
    a: account.code,
    c: account.currency,
    s: account.normalSide,
    n: account.allowNegative,
    b: account.buckets,
    m: amount.toString(),
  }));
}
