import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { paymentRefunds, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { splitReturned } from '../../domain/payments/refund-split.js';
import { platformAccount, post } from '../../ledger/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payment } from '../payments/record-payment.js';
import { creatorRecipient } from '../payouts/payout-lifecycle.js';
import { creatorPartDebits, lockPaymentWithCreator, sourceCreatorPart } from './creator-money.js';

export type PaymentRefund = typeof paymentRefunds.$inferSelect;

export interface StripeRefundFacts {
  id: string;
  amount: bigint;
  currency: string;
}

export interface ApplyRefundInput {
  paymentId: string;
  stripeRefund: StripeRefundFacts;
  source: PaymentRefund['source'];
  actor: Actor;
  reason?: string | null | undefined;
}

export type ApplyRefundResult =
  | { outcome: 'applied'; refund: PaymentRefund; payment: Payment }
  /** This Stripe refund was applied before (by the webhook or the admin route): nothing written. */
  | { outcome: 'duplicate'; refund: PaymentRefund; payment: Payment }
  /** The booking-failed path refunded the payment in full and booked it: nothing written. */
  | { outcome: 'already_refunded'; payment: Payment };

/**
 * Apply one Stripe refund to our books, once per refund id (docs/refunds-and-disputes.md) —
 * the single path of the `charge.refunded` webhook and of `POST /api/admin/payments/:id/refund`,
 * whichever sees the refund first. In the caller's transaction:
 *
 * - the split: cumulative, `creatorReturnedTotal(refunded + amount) − creatorReturnedTotal(refunded)`
 *   for the creator, the rest for the fee;
 * - ledger `refund:<id>` (cash out: debit `refunds`, credit `stripe_balance`) and
 *   `refund:<id>:recovered` (the creator part from `held` if the payment is HELD, then
 *   `available`, the shortfall to `receivable`; the fee part from `fees`; credit `refunds`);
 * - the `payment_refunds` row; `refunded_amount` raised, and CANCELLED once fully refunded (from
 *   any status: live payout allocations stay — the payout pays out the money reserved for it and
 *   the debt is recovered later);
 * - audit `payment.refunded`; the creator's `payment.refunded` message.
 *
 * @throws AppError PAYMENT_NOT_FOUND, PAYMENT_DISPUTED (409), REFUND_CURRENCY_MISMATCH (422), REFUND_EXCEEDS_PAYMENT (409)
 */
export async function applyRefund(tx: DbExecutor, input: ApplyRefundInput, context: Pick<ServiceContext, 'clock'>): Promise<ApplyRefundResult> {
  const { stripeRefund } = input;
  const payment = await lockPaymentWithCreator(tx, input.paymentId);
  // Checked under the payment's lock: the webhook and the admin route serialise here.
  const [existing] = await tx.select().from(paymentRefunds).where(eq(paymentRefunds.id, stripeRefund.id));
  if (existing) return { outcome: 'duplicate', refund: existing, payment };
  if (payment.status === 'REFUNDED') return { outcome: 'already_refunded', payment };
  if (payment.status === 'DISPUTED') {
    // Only an inquiry's charge can be refunded; its creator share is frozen. Parked: the event is
    // retried (or the admin retries it) once the dispute has closed and the share is back.
    throw new AppError('PAYMENT_DISPUTED', `Payment ${payment.id} is under dispute: refund ${stripeRefund.id} is applied once the dispute closes`, { kind: 'conflict', details: { paymentId: payment.id } });
  }
  if (stripeRefund.currency.toLowerCase() !== payment.currency) {
    throw new AppError('REFUND_CURRENCY_MISMATCH', `Refund ${stripeRefund.id} is in ${stripeRefund.currency}, payment ${payment.id} in ${payment.currency}`, { kind: 'unprocessable' });
  }
  const refunded = payment.refundedAmount + stripeRefund.amount;
  if (stripeRefund.amount <= 0n || refunded > payment.amount) {
    throw new AppError('REFUND_EXCEEDS_PAYMENT', `Refund ${stripeRefund.id} of ${stripeRefund.amount} would take payment ${payment.id} past its amount ${payment.amount} (${payment.refundedAmount} refunded already)`, {
      kind: 'conflict',
      details: { paymentId: payment.id, refundedAmount: String(payment.refundedAmount) },
    });
  }
  const now = context.clock.now();
  const { currency } = payment;
  const { creatorPart, feePart } = splitReturned(payment, payment.refundedAmount, stripeRefund.amount);
  const sources = await sourceCreatorPart(tx, payment, creatorPart);
  const refundsAccount = platformAccount('refunds', currency);
  const description = `Refund ${stripeRefund.id} of payment ${payment.externalId}`;
  const metadata = { paymentId: payment.id, refundId: stripeRefund.id };
  await post(tx, {
    key: `refund:${stripeRefund.id}`,
    kind: 'payment.refunded',
    effectiveAt: now,
    description,
    metadata,
    postings: [
      { account: refundsAccount, debit: stripeRefund.amount },
      { account: platformAccount('stripe_balance', currency), credit: stripeRefund.amount },
    ],
  });
  await post(tx, {
    key: `refund:${stripeRefund.id}:recovered`,
    kind: 'payment.refund_recovered',
    effectiveAt: now,
    description,
    metadata,
    postings: [
      ...creatorPartDebits(payment, sources),
      ...(feePart > 0n ? [{ account: platformAccount('fees', currency), debit: feePart }] : []),
      { account: refundsAccount, credit: stripeRefund.amount },
    ],
  });
  const [row] = await tx
    .insert(paymentRefunds)
    .values({
      id: stripeRefund.id,
      paymentId: payment.id,
      amount: stripeRefund.amount,
      currency,
      creatorPart,
      feePart,
      fromHeld: sources.fromHeld,
      fromAvailable: sources.fromAvailable,
      toReceivable: sources.fromReceivable,
      source: input.source,
      reason: input.reason ?? null,
      actor: input.actor,
      createdAt: now,
    })
    .returning();
  const full = refunded === payment.amount;
  const [updated] = await tx
    .update(payments)
    .set({ refundedAmount: refunded, ...(full && { status: 'CANCELLED' as const }), updatedAt: now })
    .where(eq(payments.id, payment.id))
    .returning();
  const details = {
    refundId: stripeRefund.id,
    source: input.source,
    creatorPart: creatorPart.toString(),
    feePart: feePart.toString(),
    fromHeld: sources.fromHeld.toString(),
    fromAvailable: sources.fromAvailable.toString(),
    toReceivable: sources.fromReceivable.toString(),
    refundedAmount: refunded.toString(),
  };
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'payment.refunded',
    subjectType: 'payment',
    subjectId: payment.id,
    fromStatus: payment.status,
    toStatus: updated!.status,
    amount: stripeRefund.amount,
    currency,
    reason: input.reason ?? null,
    metadata: details,
    at: now,
  });
  await enqueueMessage(tx, {
    topic: 'payment.refunded',
    recipient: await creatorRecipient(tx, payment.creatorId),
    payload: { paymentId: payment.id, bookingId: payment.bookingId, currency, amount: stripeRefund.amount.toString(), fullRefund: full, ...details },
    dedupeKey: `payment.refunded:${stripeRefund.id}`,
    at: now,
  });
  return { outcome: 'applied', refund: row!, payment: updated! };
}
