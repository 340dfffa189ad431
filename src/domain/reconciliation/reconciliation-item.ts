/**
 * Reconciliation with Stripe (issue 14 §4, docs/reconciliation.md): every Stripe object of a
 * period that touches the service's money, and every record of ours that should have one, lands
 * in exactly one class.
 *
 * - `matched`: both sides, same amount, currency and a status that agrees.
 * - `expected`: in flight and within its window (a transfer being recorded, a bank payout in
 *   transit before its arrival date, a charge whose webhook has not arrived yet).
 * - `mismatched`: both sides, but the amount, currency, destination or status differ.
 * - `missing_here`: Stripe has it and we do not (a transfer made by hand in the Stripe dashboard,
 *   a reversal we did not make).
 * - `missing_at_stripe`: we have it and Stripe does not (an id we recorded that Stripe cannot find).
 */
export const reconciliationClasses = ['matched', 'expected', 'mismatched', 'missing_here', 'missing_at_stripe'] as const;
export type ReconciliationClass = (typeof reconciliationClasses)[number];

/** Classes that need a person: each opens an alert until it is accepted or clears. */
export const differenceClasses: readonly ReconciliationClass[] = ['mismatched', 'missing_here', 'missing_at_stripe'];

/** The Stripe objects compared. */
export const reconciliationKinds = ['transfer', 'transfer_reversal', 'bank_payout', 'charge', 'refund', 'dispute'] as const;
export type ReconciliationKind = (typeof reconciliationKinds)[number];

/** Our records they are compared with. */
export const localRecordTypes = ['payout', 'clawback', 'payment', 'refund', 'dispute'] as const;
export type LocalRecordType = (typeof localRecordTypes)[number];

/** How the two sides were paired: Stripe's id recorded here, our id in Stripe's metadata / transfer group, or amount and date. */
export const matchMethods = ['id', 'metadata', 'amount'] as const;
export type MatchMethod = (typeof matchMethods)[number];

/** What differs between the two sides of a pair. */
export type Difference = 'amount' | 'currency' | 'destination' | 'status' | 'id';

/** One side of Stripe's, as compared. */
export interface StripeSide {
  id: string;
  amount: bigint;
  currency: string;
  status: string;
  /** Unix seconds. */
  created: number;
  destination?: string | null;
}

/** One record of ours, as compared. */
export interface LocalSide {
  type: LocalRecordType;
  id: string;
  amount: bigint;
  currency: string;
  status: string;
  destination?: string | null;
}

/** What `compareSides` found for one pair. */
export interface Comparison {
  differences: Difference[];
}

/**
 * The fields of a pair that differ (statuses are compared by the caller, which knows what
 * agrees with what).
 *
 * @example
 * compareSides({ id: 'tr_1', amount: 100n, currency: 'eur', status: 'paid', created: 0 }, { type: 'payout', id: 'po_1', amount: 90n, currency: 'eur', status: 'PAID' })
 * // ['amount']
 */
export function compareSides(stripe: StripeSide, local: LocalSide): Difference[] {
  const differences: Difference[] = [];
  if (stripe.amount !== local.amount) differences.push('amount');
  if (stripe.currency.toLowerCase() !== local.currency.toLowerCase()) differences.push('currency');
  if (stripe.destination && local.destination && stripe.destination !== local.destination) differences.push('destination');
  return differences;
}

/**
 * The condition an item stands for, stable from one run to the next: what it is about and how it
 * differs. An admin's acceptance of a difference carries over to later runs that find the same one,
 * and its alert is that condition's (`reconciliation_difference:<fingerprint>`).
 */
export function itemFingerprint(input: { kind: ReconciliationKind; class: ReconciliationClass; stripeId: string | null; localId: string | null; differences: readonly Difference[] }): string {
  const about = input.stripeId ?? `${input.localId ?? '?'}`;
  const what = input.differences.length > 0 ? `:${[...input.differences].sort().join('+')}` : '';
  return `${input.kind}:${about}:${input.class}${what}`;
}
