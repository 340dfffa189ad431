import { eq, or, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { payoutReleaseDate } from '../../domain/payments/release-date.js';
import { splitFee } from '../../domain/payments/split-fee.js';
import { creatorAccount, platformAccount, post } from '../../ledger/index.js';
import { ledgerPostStatement, translateLedgerError } from '../../ledger/post-entry.js';
import { auditEventInsert } from '../audit/record-audit-event.js';
import { outboxMessageInsert } from '../outbox/enqueue-message.js';
import type { Actor, ServiceContext } from '../context.js';

export interface RecordPaymentInput {
  creatorId: string;
  /** What makes the payment unique: the payment intent id, or the host platform's id. */
  externalId: string;
  bookingId?: string | null;
  amount: bigint;
  currency: string;
  paidAt: Date;
  stripePaymentIntentId?: string | null;
  stripeChargeId?: string | null;
  stripeCheckoutSessionId?: string | null;
  customerEmail?: string | null;
  /** A destination charge: Stripe already sent the creator's share to their account. */
  transferredAtSource?: boolean;
  metadata?: Record<string, string>;
  actor: Actor;
}

export type Payment = typeof payments.$inferSelect;

/**
 * Record a customer's payment for a booking (seed 000 "Payment Flow" 1–2): the fee split, the
 * HELD status with its release date, the ledger entry (cash in; creator held; fees), an audit
 * event and the creator's notification — all in the caller's transaction. Idempotent: the same
 * `externalId` (or the same booking) returns the payment already recorded, with `created: false`.
 */
export async function recordPayment(
  tx: DbExecutor,
  input: RecordPaymentInput,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<{ payment: Payment; created: boolean }> {
  // The happy path is three round trips: the creator, the payment insert, and one statement for
  // the ledger entry + audit event + outbox message. An existing payment (a repeated external id
  // or booking) is not looked up first: the insert's ON CONFLICT finds it, and only then is it read.
  const [creator] = await tx
    .select({ id: creators.id, userId: creators.userId, feeBps: creators.feeBps, holdingPeriodHours: creators.holdingPeriodHours })
    .from(creators)
    .where(eq(creators.id, input.creatorId));
  if (!creator) {
    // A payment recorded before still answers for itself, as it always did, creator or not.
    const existing = await findExisting(tx, input);
    if (existing) return { payment: existing, created: false };
    throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}: the payment ${input.externalId} cannot be recorded`, {
      kind: 'unprocessable',
      details: { creatorId: input.creatorId },
    });
  }
  const currency = normalizeCurrency(input.currency);
  const { feeAmount, creatorAmount } = splitFee(input.amount, creator.feeBps ?? context.config.platformFeeBps);
  const holdingHours = creator.holdingPeriodHours ?? context.config.holdingPeriodHours;
  const now = context.clock.now();
  const status = input.transferredAtSource ? 'PAID' : 'HELD';
  const id = newId('pay');

  const [payment] = await tx
    .insert(payments)
    .values({
      id,
      creatorId: creator.id,
      bookingId: input.bookingId ?? null,
      externalId: input.externalId,
      stripePaymentIntentId: input.stripePaymentIntentId ?? null,
      stripeChargeId: input.stripeChargeId ?? null,
      stripeCheckoutSessionId: input.stripeCheckoutSessionId ?? null,
      amount: input.amount,
      currency,
      feeAmount,
      creatorAmount,
      status,
      transferredAtSource: input.transferredAtSource ?? false,
      customerEmail: input.customerEmail ?? null,
      paidAt: input.paidAt,
      payoutReleaseDate: payoutReleaseDate(input.paidAt, holdingHours),
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!payment) {
    // Recorded before, or by a concurrent copy that won the insert (same external id or booking): it is the payment.
    const winner = await findExisting(tx, input);
    if (!winner) throw new AppError('PAYMENT_CONFLICT', `Payment ${input.externalId} conflicts with another payment`, { kind: 'conflict' });
    return { payment: winner, created: false };
  }

  const cash = platformAccount('stripe_balance', currency);
  const held = creatorAccount(creator.id, 'held', currency);
  const received = ledgerPostStatement({
    key: `payment:${id}:received`,
    kind: 'payment.received',
    effectiveAt: input.paidAt,
    description: `Payment ${input.externalId}${input.bookingId ? ` for booking ${input.bookingId}` : ''}`,
    metadata: { paymentId: id },
    postings: [
      { account: cash, debit: input.amount },
      ...(creatorAmount > 0n ? [{ account: held, credit: creatorAmount }] : []),
      ...(feeAmount > 0n ? [{ account: platformAccount('fees', currency), credit: feeAmount }] : []),
    ],
  });
  const audit = auditEventInsert(tx, {
    actor: input.actor,
    action: 'payment.recorded',
    subjectType: 'payment',
    subjectId: id,
    toStatus: status,
    amount: input.amount,
    currency,
    metadata: { externalId: input.externalId, feeAmount: feeAmount.toString(), creatorAmount: creatorAmount.toString() },
    at: now,
  });
  const notification = outboxMessageInsert(tx, {
    topic: 'payment.received',
    recipient: `user:${creator.userId}`,
    payload: {
      paymentId: id,
      bookingId: input.bookingId ?? null,
      amount: input.amount.toString(),
      creatorAmount: creatorAmount.toString(),
      currency,
      payoutReleaseDate: payment.payoutReleaseDate.toISOString(),
    },
    dedupeKey: `payment.received:${id}`,
    at: now,
  });
  // One statement, one round trip: data-modifying CTEs always run (referenced or not) and are
  // atomic with the ledger_post call; a refusal by ledger_post aborts all three.
  try {
    // getSQL(): embedded as builders, drizzle would wrap each insert in a second pair of parentheses.
    await tx.execute(sql`with audit as (${audit.getSQL()}), notification as (${notification.getSQL()}) ${received}`);
  } catch (error) {
    throw translateLedgerError(error) ?? error;
  }
  if (input.transferredAtSource && creatorAmount > 0n) {
    await post(tx, {
      key: `payment:${id}:transferred_at_source`,
      kind: 'payment.transferred_at_source',
      effectiveAt: input.paidAt,
      metadata: { paymentId: id },
      postings: [
        { account: held, debit: creatorAmount },
        { account: cash, credit: creatorAmount },
        { account: creatorAccount(creator.id, 'paid', currency), credit: creatorAmount },
        { account: platformAccount('transfers', currency), debit: creatorAmount },
      ],
    });
  }
  return { payment, created: true };
}

async function findExisting(tx: DbExecutor, input: RecordPaymentInput): Promise<Payment | undefined> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(input.bookingId ? or(eq(payments.externalId, input.externalId), eq(payments.bookingId, input.bookingId)) : eq(payments.externalId, input.externalId))
    .limit(1);
  return row;
}
