import { AppError } from '../domain/errors/index.js';

/**
 * A ledger account. Its `code` names it (and is its key in the database); the other fields are
 * fixed when it is first used. `normalSide` is the side that increases it: assets and losses are
 * debit-normal, what the platform owes (creator balances) and earns (fees) is credit-normal.
 * Balances are reported in that natural sign.
 */
export interface LedgerAccount {
  readonly code: string;
  readonly currency: string;
  readonly normalSide: 'debit' | 'credit';
  /** Accounts that may not go negative refuse an entry that would take them below zero. */
  readonly allowNegative: boolean;
  /** Hot accounts keep their balance in several rows so concurrent entries don't queue on one. */
  readonly buckets: number;
}

interface AccountKind {
  normalSide: 'debit' | 'credit';
  allowNegative: boolean;
  buckets: number;
  meaning: string;
}

/** Per creator and currency (DESIGN.md §3). Money the platform owes a creator never goes negative: debt is `receivable`. */
export const creatorAccountKinds = {
  held: { normalSide: 'credit', allowNegative: false, buckets: 1, meaning: 'earnings in their holding period' },
  available: { normalSide: 'credit', allowNegative: false, buckets: 1, meaning: 'earnings the creator may request' },
  reserved: { normalSide: 'credit', allowNegative: false, buckets: 1, meaning: 'requested, approved or in-flight payouts' },
  frozen: { normalSide: 'credit', allowNegative: false, buckets: 1, meaning: 'earnings under dispute' },
  /** Memo: earnings transferred to the creator, to date (paired with platform `transfers`). */
  paid: { normalSide: 'credit', allowNegative: false, buckets: 1, meaning: 'earnings transferred to the creator, to date' },
  receivable: { normalSide: 'debit', allowNegative: false, buckets: 1, meaning: 'what the creator owes after a clawback' },
} as const satisfies Record<string, AccountKind>;

/** Platform-wide, per currency. Touched by every payment, hence bucketed. */
export const platformAccountKinds = {
  stripe_balance: { normalSide: 'debit', allowNegative: true, buckets: 8, meaning: "cash in the platform's Stripe balance" },
  fees: { normalSide: 'credit', allowNegative: true, buckets: 8, meaning: 'platform fees earned' },
  refunds: { normalSide: 'debit', allowNegative: true, buckets: 4, meaning: 'money returned to customers' },
  dispute_losses: { normalSide: 'debit', allowNegative: true, buckets: 1, meaning: 'disputes lost and their fees' },
  /**
   * Memo counterpart of the creators' `paid`: everything transferred out, debit-normal. One
   * bucket: `ledger_post` checks "may not go negative" per bucket, so a reversal (a credit) landing
   * in an empty bucket of a bucketed account would be refused although the total covers it.
   */
  transfers: { normalSide: 'debit', allowNegative: false, buckets: 1, meaning: 'cash sent to connected accounts, to date' },
} as const satisfies Record<string, AccountKind>;

export type CreatorAccountKind = keyof typeof creatorAccountKinds;
export type PlatformAccountKind = keyof typeof platformAccountKinds;

const currencyPattern = /^[a-z]{3}$/;
const ownerIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

function checkCurrency(currency: string): string {
  if (!currencyPattern.test(currency)) {
    throw new AppError('LEDGER_INVALID_CURRENCY', `"${currency}" is not a lower-case ISO 4217 currency code`, { kind: 'internal' });
  }
  return currency;
}

/** @example creatorAccount('cr_42', 'available', 'eur').code === 'creator:cr_42:available:eur' */
export function creatorAccount(creatorId: string, kind: CreatorAccountKind, currency: string): LedgerAccount {
  if (!ownerIdPattern.test(creatorId)) {
    throw new AppError('LEDGER_INVALID_ACCOUNT', `"${creatorId}" is not a valid creator id for a ledger account`, { kind: 'internal' });
  }
  const { normalSide, allowNegative, buckets } = creatorAccountKinds[kind];
  return { code: `creator:${creatorId}:${kind}:${checkCurrency(currency)}`, currency, normalSide, allowNegative, buckets };
}

/** @example platformAccount('fees', 'eur').code === 'platform:fees:eur' */
export function platformAccount(kind: PlatformAccountKind, currency: string): LedgerAccount {
  const { normalSide, allowNegative, buckets } = platformAccountKinds[kind];
  return { code: `platform:${kind}:${checkCurrency(currency)}`, currency, normalSide, allowNegative, buckets };
}
