import type { DbExecutor } from '../../db/database.js';
import { creatorAccount, platformAccount, post, type LedgerEntryInput } from '../../ledger/index.js';

/**
 * The ledger side of a payout (docs/ledger.md, docs/payouts.md). Every entry's key starts with
 * `payout:<id>:`, so `payouts verify` can find the postings of each payout:
 *
 * | step | key suffix | postings |
 * |---|---|---|
 * | created (reserve) | `reserve` | creator `available` → `reserved` |
 * | failed / cancelled before money moved | `release` | creator `reserved` → `available` |
 * | transfer made | `transfer` | creator `reserved` → platform `stripe_balance`; memo platform `transfers` / creator `paid` |
 * | transfer reversed (money came back) | `reversal` | platform `stripe_balance` → creator `available`; memo undone |
 */
export type PayoutLedgerStep = 'reserve' | 'release' | 'transfer' | 'reversal';

export interface PayoutMoney {
  id: string;
  creatorId: string;
  amount: bigint;
  currency: string;
}

export function payoutEntryKey(payoutId: string, step: PayoutLedgerStep): string {
  return `payout:${payoutId}:${step}`;
}

export function payoutLedgerEntry(payout: PayoutMoney, step: PayoutLedgerStep, at: Date): LedgerEntryInput {
  const { creatorId, currency, amount } = payout;
  const creator = (kind: 'available' | 'reserved' | 'paid') => creatorAccount(creatorId, kind, currency);
  const base = { key: payoutEntryKey(payout.id, step), kind: `payout.${step === 'reserve' ? 'reserved' : step === 'release' ? 'released' : step === 'transfer' ? 'transferred' : 'reversed'}`, effectiveAt: at, metadata: { payoutId: payout.id } };
  switch (step) {
    case 'reserve':
      return { ...base, postings: [{ account: creator('available'), debit: amount }, { account: creator('reserved'), credit: amount }] };
    case 'release':
      return { ...base, postings: [{ account: creator('reserved'), debit: amount }, { account: creator('available'), credit: amount }] };
    case 'transfer':
      return {
        ...base,
        postings: [
          { account: creator('reserved'), debit: amount },
          { account: platformAccount('stripe_balance', currency), credit: amount },
          { account: platformAccount('transfers', currency), debit: amount },
          { account: creator('paid'), credit: amount },
        ],
      };
    case 'reversal':
      return {
        ...base,
        postings: [
          { account: platformAccount('stripe_balance', currency), debit: amount },
          { account: creator('available'), credit: amount },
          { account: creator('paid'), debit: amount },
          { account: platformAccount('transfers', currency), credit: amount },
        ],
      };
  }
}

/** Post one payout step in the caller's transaction (idempotent: the same step twice is a no-op). */
export async function postPayoutStep(tx: DbExecutor, payout: PayoutMoney, step: PayoutLedgerStep, at: Date): Promise<void> {
  await post(tx, payoutLedgerEntry(payout, step, at));
}
