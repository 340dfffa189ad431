import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { emitEvent } from '../event-log.js';
import { generateId } from '../ids.js';
import type { ApiObject, StripeObject } from '../state.js';

export type BalanceTransactionType =
  | 'adjustment'
  | 'charge'
  | 'payment'
  | 'payment_refund'
  | 'payout'
  | 'payout_failure'
  | 'payout_cancel'
  | 'refund'
  | 'transfer'
  | 'transfer_refund';

export interface BalanceTransactionObject extends StripeObject {
  object: 'balance_transaction';
  amount: number;
  available_on: number;
  created: number;
  currency: string;
  description: string | null;
  fee: number;
  fee_details: Array<{ amount: number; application: string | null; currency: string; description: string; type: string }>;
  net: number;
  reporting_category: string;
  source: string | null;
  status: 'available' | 'pending';
  type: BalanceTransactionType;
}

const REPORTING_CATEGORY: Record<BalanceTransactionType, string> = {
  adjustment: 'dispute',
  charge: 'charge',
  payment: 'charge',
  payment_refund: 'refund',
  payout: 'payout',
  payout_failure: 'payout_reversal',
  payout_cancel: 'payout_reversal',
  refund: 'refund',
  transfer: 'transfer',
  transfer_refund: 'transfer_reversal',
};

/**
 * Books money in or out of an account's Stripe balance. `amount` is signed (+ credits the
 * account); `fee` is Stripe's fee on top (net = amount − fee). The transaction is `pending`
 * until `availableOn` (default: now), then `available` — see {@link settleDueFunds}.
 */
export function recordBalanceTransaction(
  sandbox: SandboxContext,
  input: {
    account: string;
    amount: number;
    currency: string;
    type: BalanceTransactionType;
    source: string | null;
    description?: string | null;
    fee?: number;
    feeDescription?: string;
    availableOn?: number;
    reportingCategory?: string;
  },
): BalanceTransactionObject {
  const now = unixSeconds(sandbox.clock);
  const fee = input.fee ?? 0;
  const availableOn = input.availableOn ?? now;
  const transaction: BalanceTransactionObject = {
    id: generateId('txn'),
    object: 'balance_transaction',
    amount: input.amount,
    available_on: availableOn,
    created: now,
    currency: input.currency,
    description: input.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: fee === 0 ? [] : [{ amount: fee, application: null, currency: input.currency, description: input.feeDescription ?? 'Stripe processing fees', type: 'stripe_fee' }],
    net: input.amount - fee,
    reporting_category: input.reportingCategory ?? REPORTING_CATEGORY[input.type],
    source: input.source,
    status: availableOn <= now ? 'available' : 'pending',
    type: input.type,
  };
  return sandbox.store.insert(input.account, transaction);
}

/** Available and pending amounts per currency, from the account's balance transactions. */
export function computeBalance(sandbox: SandboxContext, account: string): { available: Map<string, number>; pending: Map<string, number> } {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const transaction of sandbox.store.list<BalanceTransactionObject>('balance_transaction', account)) {
    const bucket = transaction.status === 'available' ? available : pending;
    bucket.set(transaction.currency, (bucket.get(transaction.currency) ?? 0) + transaction.net);
  }
  return { available, pending };
}

export function availableAmount(sandbox: SandboxContext, account: string, currency: string): number {
  return computeBalance(sandbox, account).available.get(currency) ?? 0;
}

/**
 * Turns pending funds whose `available_on` has passed into available funds and emits
 * `balance.available` for each account whose available balance grew, as Stripe does.
 */
export function settleDueFunds(sandbox: SandboxContext): void {
  const now = unixSeconds(sandbox.clock);
  const accounts = new Set<string>();
  for (const transaction of sandbox.store.list<BalanceTransactionObject>('balance_transaction', null, (item) => item.status === 'pending')) {
    if (transaction.available_on > now) continue;
    transaction.status = 'available';
    const owner = sandbox.store.ownerOf(transaction.id);
    if (owner) accounts.add(owner);
  }
  for (const account of accounts) {
    emitEvent(sandbox, { type: 'balance.available', account, object: renderBalance(sandbox, account) });
  }
}

/** The `balance` object of an account. */
export function renderBalance(sandbox: SandboxContext, account: string): ApiObject {
  const { available, pending } = computeBalance(sandbox, account);
  const currencies = new Set([...available.keys(), ...pending.keys()]);
  if (currencies.size === 0) currencies.add(sandbox.settings.defaultCurrency);
  const amounts = (bucket: Map<string, number>) =>
    [...currencies].sort().map((currency) => ({ amount: bucket.get(currency) ?? 0, currency, source_types: { card: bucket.get(currency) ?? 0 } }));
  return {
    object: 'balance',
    available: amounts(available),
    connect_reserved: [...currencies].sort().map((currency) => ({ amount: 0, currency })),
    livemode: false,
    pending: amounts(pending),
  };
}
