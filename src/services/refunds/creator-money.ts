import { eq, or } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { balances, creatorAccount, type LedgerPostingInput } from '../../ledger/index.js';
import type { Payment } from '../payments/record-payment.js';

/**
 * The payment a Stripe refund or dispute is about, by payment intent or charge id — not locked.
 * Null when no payment of ours has it.
 */
export async function findStripePayment(tx: DbExecutor, ids: { paymentIntentId?: string | null; chargeId?: string | null }): Promise<Payment | null> {
  const conditions = [
    ...(ids.paymentIntentId ? [eq(payments.stripePaymentIntentId, ids.paymentIntentId)] : []),
    ...(ids.chargeId ? [eq(payments.stripeChargeId, ids.chargeId)] : []),
  ];
  if (conditions.length === 0) return null;
  const [payment] = await tx.select().from(payments).where(or(...conditions)).limit(1);
  return payment ?? null;
}

/**
 * Lock the payment's creator, then the payment (the order `createPayout` uses: creator first),
 * and return the payment as it is now. Serialises refunds and disputes with payout requests, so
 * the balances read next cannot be spent under our feet.
 */
export async function lockPaymentWithCreator(tx: DbExecutor, paymentId: string): Promise<Payment> {
  const [found] = await tx.select({ creatorId: payments.creatorId }).from(payments).where(eq(payments.id, paymentId));
  if (!found) throw new AppError('PAYMENT_NOT_FOUND', `No payment with id ${paymentId}`, { kind: 'not_found' });
  await tx.select({ id: creators.id }).from(creators).where(eq(creators.id, found.creatorId)).for('update');
  const [locked] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
  if (!locked) throw new AppError('PAYMENT_NOT_FOUND', `No payment with id ${paymentId}`, { kind: 'not_found' });
  return locked;
}

export interface CreatorPartSources {
  fromHeld: bigint;
  fromAvailable: bigint;
  /** What is no longer on the platform (reserved for a payout, in flight or paid): the creator's debt. */
  fromReceivable: bigint;
}

/**
 * Where `amount` of a payment's creator share is taken from, in the documented order: the
 * creator's `held` (only while the payment itself is HELD), then `available`, and the rest from
 * `receivable` (the creator owes it).
 */
export async function sourceCreatorPart(tx: DbExecutor, payment: Payment, amount: bigint): Promise<CreatorPartSources> {
  const held = creatorAccount(payment.creatorId, 'held', payment.currency);
  const available = creatorAccount(payment.creatorId, 'available', payment.currency);
  const amounts = await balances(tx, [held, available]);
  const heldBalance = payment.status === 'HELD' ? (amounts.get(held.code) ?? 0n) : 0n;
  const fromHeld = min(amount, max(heldBalance, 0n));
  const fromAvailable = min(amount - fromHeld, max(amounts.get(available.code) ?? 0n, 0n));
  return { fromHeld, fromAvailable, fromReceivable: amount - fromHeld - fromAvailable };
}

/** Debit postings taking the creator part from its sources (credit side is the caller's). */
export function creatorPartDebits(payment: Pick<Payment, 'creatorId' | 'currency'>, sources: CreatorPartSources): LedgerPostingInput[] {
  const account = (kind: 'held' | 'available' | 'receivable') => creatorAccount(payment.creatorId, kind, payment.currency);
  return [
    ...(sources.fromHeld > 0n ? [{ account: account('held'), debit: sources.fromHeld }] : []),
    ...(sources.fromAvailable > 0n ? [{ account: account('available'), debit: sources.fromAvailable }] : []),
    ...(sources.fromReceivable > 0n ? [{ account: account('receivable'), debit: sources.fromReceivable }] : []),
  ];
}

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
