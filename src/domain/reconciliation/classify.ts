import { formatMoney } from '../money/index.js';
import type { Difference, LocalRecordType, MatchMethod, ReconciliationClass, ReconciliationKind } from './reconciliation-item.js';

/**
 * How one Stripe object and one record of ours compare (docs/reconciliation.md "Classes"). Pure:
 * the reconciliation service fetches both sides and stores what these return.
 */
export interface ItemDraft {
  kind: ReconciliationKind;
  class: ReconciliationClass;
  stripeId: string | null;
  localType: LocalRecordType | null;
  localId: string | null;
  currency: string | null;
  stripeAmount: bigint | null;
  localAmount: bigint | null;
  stripeStatus: string | null;
  localStatus: string | null;
  matchedBy: MatchMethod | null;
  differences: Difference[];
  summary: string;
  occurredAt: Date;
}

/** How long a Stripe object may wait for its webhook before "not here" means missing (charges, refunds, disputes). */
export const WEBHOOK_WINDOW_MS = 60 * 60 * 1000;
/** A bank payout may arrive up to a day after its arrival date before it is overdue (issue 14 §3). */
export const BANK_ARRIVAL_GRACE_MS = 24 * 60 * 60 * 1000;

const money = (amount: bigint | null, currency: string | null) => (amount === null || !currency ? '?' : formatMoney({ amountMinor: amount, currency }));

/** The payout fields a transfer is compared with. */
export interface PayoutRecord {
  id: string;
  amount: bigint;
  currency: string;
  status: string;
  stripeAccountId: string | null;
  stripeTransferId: string | null;
  stripeBankPayoutId: string | null;
  failureCode: string | null;
  nextRetryAt: Date | null;
  processingStartedAt: Date | null;
}

/** A transfer as compared: `reversedAmount` is what has come back to the platform. */
export interface TransferFacts {
  id: string;
  amount: bigint;
  reversedAmount: bigint;
  currency: string;
  destination: string | null;
  created: Date;
  /** The payout its metadata or transfer group names. */
  namesPayout: string | null;
  /** What our own clawbacks took back from it (they leave its payout PAID). */
  clawedBack?: bigint;
}

function transferStatus(transfer: TransferFacts): string {
  if (transfer.reversedAmount >= transfer.amount) return 'reversed';
  return transfer.reversedAmount > 0n ? 'partially_reversed' : 'paid';
}

/**
 * A transfer against the payout it was paired with (or none). A payout's transfer stands while the
 * payout is PROCESSING or PAID; a FAILED payout's transfer has come back in full. A transfer that
 * stands for a payout that never made one, or a second transfer for a payout, is a difference.
 */
export function classifyTransfer(transfer: TransferFacts, payout: PayoutRecord | undefined, matchedBy: MatchMethod | null): ItemDraft {
  const status = transferStatus(transfer);
  const base = {
    kind: 'transfer' as const,
    stripeId: transfer.id,
    currency: transfer.currency,
    stripeAmount: transfer.amount,
    stripeStatus: status,
    occurredAt: transfer.created,
  };
  const amount = money(transfer.amount, transfer.currency);
  if (!payout) {
    return {
      ...base,
      class: 'missing_here',
      localType: null,
      localId: null,
      localAmount: null,
      localStatus: null,
      matchedBy: null,
      differences: [],
      summary: transfer.namesPayout
        ? `Transfer ${transfer.id} of ${amount} to ${transfer.destination ?? '?'} names payout ${transfer.namesPayout}, which does not exist here`
        : `Transfer ${transfer.id} of ${amount} to ${transfer.destination ?? '?'} was not made by the service: no payout has it or is named by it`,
    };
  }
  const local = { localType: 'payout' as const, localId: payout.id, localAmount: payout.amount, localStatus: payout.status, matchedBy };
  const differences: Difference[] = [];
  if (transfer.amount !== payout.amount) differences.push('amount');
  if (transfer.currency.toLowerCase() !== payout.currency.toLowerCase()) differences.push('currency');
  if (transfer.destination && payout.stripeAccountId && transfer.destination !== payout.stripeAccountId) differences.push('destination');

  if (matchedBy !== 'id') {
    // Stripe has a transfer for the payout that the payout does not record as its own.
    if (payout.stripeTransferId === null && payout.status === 'PROCESSING' && differences.length === 0) {
      return { ...base, ...local, class: 'expected', differences, summary: `Transfer ${transfer.id} for payout ${payout.id} is made and not yet recorded here; the retry sweep records it` };
    }
    const why =
      payout.stripeTransferId !== null
        ? `a second transfer for payout ${payout.id}, which recorded ${payout.stripeTransferId}`
        : matchedBy === 'amount'
          ? `the amount, currency and destination of payout ${payout.id} (${payout.status}), which recorded no transfer: probably made by hand for it`
          : `made for payout ${payout.id}, which is ${payout.status} and recorded no transfer`;
    return { ...base, ...local, class: 'mismatched', differences: [...differences, 'id'], summary: `Transfer ${transfer.id} of ${amount}: ${why}` };
  }

  let statusAgrees: boolean;
  switch (payout.status) {
    case 'PROCESSING':
    case 'PAID':
      // Reversed in full by our own clawbacks (a creator's whole debt recovered) is still a paid payout.
      statusAgrees = status !== 'reversed' || transfer.reversedAmount <= (transfer.clawedBack ?? 0n);
      break;
    case 'FAILED':
      statusAgrees = status === 'reversed';
      break;
    default:
      statusAgrees = false;
  }
  if (!statusAgrees) differences.push('status');
  if (differences.length === 0) {
    return { ...base, ...local, class: 'matched', differences, summary: `Transfer ${transfer.id} of ${amount} is payout ${payout.id} (${payout.status})` };
  }
  const parts = differences.map((difference) => {
    switch (difference) {
      case 'amount':
        return `Stripe has ${amount}, the payout ${money(payout.amount, payout.currency)}`;
      case 'currency':
        return `Stripe's currency is ${transfer.currency.toUpperCase()}, the payout's ${payout.currency.toUpperCase()}`;
      case 'destination':
        return `it went to ${transfer.destination}, the payout's account is ${payout.stripeAccountId}`;
      default:
        return payout.status === 'FAILED'
          ? `the payout FAILED here but its transfer stands at Stripe (${status})`
          : `the transfer is ${status} at Stripe and the payout ${payout.status} here`;
    }
  });
  return { ...base, ...local, class: 'mismatched', differences, summary: `Transfer ${transfer.id} of payout ${payout.id}: ${parts.join('; ')}` };
}

/** A reversal as compared. */
export interface ReversalFacts {
  id: string;
  transferId: string;
  amount: bigint;
  currency: string;
  created: Date;
  /** The reason our own reversals carry in their metadata (`clawback-1`, `bank-payout-failed` …). */
  reason: string | null;
  namesPayout: string | null;
  /** Whether this reversal brought the transfer's reversed amount to its whole amount. */
  completesTransfer: boolean;
}

/** The clawback fields a reversal is compared with. */
export interface ClawbackRecord {
  id: string;
  amount: bigint;
  currency: string;
  payoutId: string;
}

/**
 * A reversal of one of our transfers: a clawback we made (by its reversal id), a full reversal
 * the payout's failure recorded, or one we did not make.
 */
export function classifyReversal(reversal: ReversalFacts, transferPayout: PayoutRecord | undefined, clawback: ClawbackRecord | undefined): ItemDraft {
  const amount = money(reversal.amount, reversal.currency);
  const base = {
    kind: 'transfer_reversal' as const,
    stripeId: reversal.id,
    currency: reversal.currency,
    stripeAmount: reversal.amount,
    stripeStatus: 'succeeded',
    occurredAt: reversal.created,
  };
  if (clawback) {
    const differences: Difference[] = [];
    if (clawback.amount !== reversal.amount) differences.push('amount');
    if (clawback.currency.toLowerCase() !== reversal.currency.toLowerCase()) differences.push('currency');
    return {
      ...base,
      class: differences.length === 0 ? 'matched' : 'mismatched',
      localType: 'clawback',
      localId: clawback.id,
      localAmount: clawback.amount,
      localStatus: 'recorded',
      matchedBy: 'id',
      differences,
      summary:
        differences.length === 0
          ? `Reversal ${reversal.id} of ${amount} is clawback ${clawback.id} (payout ${clawback.payoutId})`
          : `Reversal ${reversal.id} of ${amount}: clawback ${clawback.id} recorded ${money(clawback.amount, clawback.currency)}`,
    };
  }
  if (transferPayout && reversal.completesTransfer && transferPayout.status === 'FAILED') {
    return {
      ...base,
      class: 'matched',
      localType: 'payout',
      localId: transferPayout.id,
      localAmount: transferPayout.amount,
      localStatus: transferPayout.status,
      matchedBy: reversal.namesPayout === transferPayout.id ? 'metadata' : 'id',
      differences: [],
      summary: `Reversal ${reversal.id} of ${amount} is the failure of payout ${transferPayout.id}${transferPayout.failureCode ? ` (${transferPayout.failureCode})` : ''}`,
    };
  }
  return {
    ...base,
    class: 'missing_here',
    localType: transferPayout ? 'payout' : null,
    localId: transferPayout?.id ?? null,
    localAmount: null,
    localStatus: transferPayout?.status ?? null,
    matchedBy: null,
    differences: [],
    summary: `Reversal ${reversal.id} of ${amount} on transfer ${reversal.transferId}${transferPayout ? ` (payout ${transferPayout.id}, ${transferPayout.status})` : ''} was not made by the service`,
  };
}

/** A connected account's bank payout as compared. */
export interface BankPayoutFacts {
  id: string;
  accountId: string;
  amount: bigint;
  currency: string;
  /** Stripe's: pending, in_transit, paid, failed, canceled. */
  status: string;
  created: Date;
  arrivalDate: Date;
  namesPayout: string | null;
}

/**
 * A bank payout on an account whose payouts the service drives, against the payout it belongs to.
 * In transit before its arrival date (+ a day) is expected; paid while the payout still waits is
 * expected for the webhook window; a failed or canceled bank payout matches a payout that failed
 * or is retrying.
 */
export function classifyBankPayout(bank: BankPayoutFacts, payout: PayoutRecord | undefined, matchedBy: MatchMethod | null, now: Date): ItemDraft {
  const amount = money(bank.amount, bank.currency);
  const base = { kind: 'bank_payout' as const, stripeId: bank.id, currency: bank.currency, stripeAmount: bank.amount, stripeStatus: bank.status, occurredAt: bank.created };
  if (!payout) {
    return {
      ...base,
      class: 'missing_here',
      localType: null,
      localId: null,
      localAmount: null,
      localStatus: null,
      matchedBy: null,
      differences: [],
      summary: `Bank payout ${bank.id} of ${amount} on ${bank.accountId} was not made by the service, which drives this account's bank payouts`,
    };
  }
  const local = { localType: 'payout' as const, localId: payout.id, localAmount: payout.amount, localStatus: payout.status, matchedBy };
  const ended = bank.status === 'failed' || bank.status === 'canceled';
  if (matchedBy !== 'id') {
    if (ended) return { ...base, ...local, class: 'matched', differences: [], summary: `Bank payout ${bank.id} (${bank.status}) was an earlier attempt of payout ${payout.id}` };
    if (payout.stripeBankPayoutId === null && payout.status === 'PROCESSING') {
      return { ...base, ...local, class: 'expected', differences: [], summary: `Bank payout ${bank.id} for payout ${payout.id} is made and not yet recorded here` };
    }
    return {
      ...base,
      ...local,
      class: 'mismatched',
      differences: ['id'],
      summary: `Bank payout ${bank.id} of ${amount} (${bank.status}) names payout ${payout.id}, which recorded ${payout.stripeBankPayoutId ?? 'no bank payout'}`,
    };
  }
  const differences: Difference[] = [];
  if (bank.amount !== payout.amount) differences.push('amount');
  if (bank.currency.toLowerCase() !== payout.currency.toLowerCase()) differences.push('currency');
  const inFlight = bank.status === 'pending' || bank.status === 'in_transit';
  let verdict: 'agrees' | 'in_flight' | 'differs';
  if (bank.status === 'paid') verdict = payout.status === 'PAID' ? 'agrees' : payout.status === 'PROCESSING' && now.getTime() - bank.arrivalDate.getTime() < WEBHOOK_WINDOW_MS + BANK_ARRIVAL_GRACE_MS ? 'in_flight' : 'differs';
  else if (inFlight) verdict = payout.status === 'PROCESSING' && now.getTime() < bank.arrivalDate.getTime() + BANK_ARRIVAL_GRACE_MS ? 'in_flight' : 'differs';
  else verdict = payout.status === 'FAILED' || payout.status === 'PROCESSING' ? 'agrees' : 'differs';
  if (verdict === 'differs') differences.push('status');
  if (differences.length > 0) {
    const overdue = inFlight && payout.status === 'PROCESSING';
    return {
      ...base,
      ...local,
      class: 'mismatched',
      differences,
      summary: overdue
        ? `Bank payout ${bank.id} of payout ${payout.id} is still ${bank.status} more than a day after its arrival date`
        : `Bank payout ${bank.id} of payout ${payout.id}: Stripe has ${amount} ${bank.status}, the payout ${money(payout.amount, payout.currency)} ${payout.status}`,
    };
  }
  if (verdict === 'in_flight') {
    return { ...base, ...local, class: 'expected', differences, summary: `Bank payout ${bank.id} of payout ${payout.id} is ${bank.status}, due by ${bank.arrivalDate.toISOString().slice(0, 10)}` };
  }
  return { ...base, ...local, class: 'matched', differences, summary: `Bank payout ${bank.id} of ${amount} is payout ${payout.id} (${payout.status})` };
}

/** A charge, refund or dispute movement on the platform's balance, with the record of ours it belongs to. */
export interface MoneyInFacts {
  kind: 'charge' | 'refund' | 'dispute';
  id: string;
  /** Positive: what was charged, refunded or disputed. */
  amount: bigint;
  currency: string;
  status: string;
  created: Date;
}

export interface MoneyInRecord {
  type: 'payment' | 'refund' | 'dispute';
  id: string;
  amount: bigint;
  currency: string;
  status: string;
  /** Whether the record's status agrees with Stripe's (a won dispute for funds reinstated …). */
  statusAgrees: boolean;
}

const nounOf = { charge: 'Charge', refund: 'Refund', dispute: 'Dispute' } as const;

/**
 * A charge, refund or dispute movement against the payment, refund or dispute recorded from its
 * webhook. Not recorded yet within the webhook window is expected; after it, missing here.
 */
export function classifyMoneyIn(facts: MoneyInFacts, record: MoneyInRecord | undefined, matchedBy: MatchMethod | null, now: Date): ItemDraft {
  const amount = money(facts.amount, facts.currency);
  const noun = nounOf[facts.kind];
  const base = { kind: facts.kind, stripeId: facts.id, currency: facts.currency, stripeAmount: facts.amount, stripeStatus: facts.status, occurredAt: facts.created };
  if (!record) {
    const waiting = now.getTime() - facts.created.getTime() < WEBHOOK_WINDOW_MS;
    return {
      ...base,
      class: waiting ? 'expected' : 'missing_here',
      localType: null,
      localId: null,
      localAmount: null,
      localStatus: null,
      matchedBy: null,
      differences: [],
      summary: waiting ? `${noun} ${facts.id} of ${amount} is not recorded yet; its webhook is due` : `${noun} ${facts.id} of ${amount} is at Stripe and not recorded here`,
    };
  }
  const differences: Difference[] = [];
  if (record.amount !== facts.amount) differences.push('amount');
  if (record.currency.toLowerCase() !== facts.currency.toLowerCase()) differences.push('currency');
  if (!record.statusAgrees) differences.push('status');
  const local = { localType: record.type, localId: record.id, localAmount: record.amount, localStatus: record.status, matchedBy };
  if (differences.length === 0) return { ...base, ...local, class: 'matched', differences, summary: `${noun} ${facts.id} of ${amount} is ${record.type} ${record.id}` };
  if (differences.length === 1 && differences[0] === 'status' && now.getTime() - facts.created.getTime() < WEBHOOK_WINDOW_MS) {
    return { ...base, ...local, class: 'expected', differences: [], summary: `${noun} ${facts.id} is ${facts.status} at Stripe; ${record.type} ${record.id} (${record.status}) waits for its webhook` };
  }
  return {
    ...base,
    ...local,
    class: 'mismatched',
    differences,
    summary: `${noun} ${facts.id}: Stripe has ${amount} ${facts.status}, ${record.type} ${record.id} ${money(record.amount, record.currency)} ${record.status}`,
  };
}

/** A record of ours whose Stripe object Stripe cannot find. */
export function missingAtStripe(input: { kind: ReconciliationKind; stripeId: string | null; localType: LocalRecordType; localId: string; amount: bigint; currency: string; status: string; at: Date; why: string }): ItemDraft {
  return {
    kind: input.kind,
    class: 'missing_at_stripe',
    stripeId: input.stripeId,
    localType: input.localType,
    localId: input.localId,
    currency: input.currency,
    stripeAmount: null,
    localAmount: input.amount,
    stripeStatus: null,
    localStatus: input.status,
    matchedBy: null,
    differences: [],
    summary: input.why,
    occurredAt: input.at,
  };
}

/** A record of ours still waiting for its Stripe object, within its window. */
export function awaitedAtStripe(input: { kind: ReconciliationKind; localType: LocalRecordType; localId: string; amount: bigint; currency: string; status: string; at: Date; why: string }): ItemDraft {
  return { ...missingAtStripe({ ...input, stripeId: null }), class: 'expected' };
}
