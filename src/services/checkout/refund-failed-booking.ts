import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbExecutor } from '../../db/database.js';
import { paymentRefunds, payments } from '../../db/schema/index.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';
import { balance, creatorAccount, platformAccount, post, type LedgerPostingInput } from '../../ledger/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payment } from '../payments/record-payment.js';
import { recordStripePayment } from '../payments/record-stripe-payment.js';
import { applyRefund } from '../refunds/apply-refund.js';
import { lockPaymentWithCreator } from '../refunds/creator-money.js';
import { checkoutSessionSchema, parseStripeObject, paymentFactsFrom, paymentIntentSchema } from '../payments/stripe-payment-objects.js';

/** The refund request id of this use case: with the payment id it makes the Stripe idempotency key. */
const REFUND_REQUEST_ID = 'booking-failed';

export interface RefundFailedBookingInput {
  checkoutSessionId: string;
  actor: Actor;
  /** Why the booking could not be created, for the audit trail. */
  reason?: string | undefined;
}

export interface RefundFailedBookingResult {
  payment: Payment;
  refund: { id: string; amount: bigint; currency: string };
  /** True when an earlier call had already refunded it: nothing was done this time. */
  alreadyRefunded: boolean;
}

/**
 * The host paid for a booking through Checkout but could not create the booking (seed 004 §2 B,
 * "Booking creation failed → immediate refund"): refund the customer in full and take the money
 * back out of the books.
 *
 * 1. The payment: found by its Checkout session, or — when the webhooks have not recorded it
 *    yet — recorded now from the session and its payment intent (read from Stripe).
 * 2. The refund at Stripe, outside any transaction, with an idempotency key from the payment id;
 *    if Stripe no longer knows the key and says the charge is refunded, the earlier refund is
 *    found by its metadata (DESIGN.md §6).
 * 3. One transaction: the payment `REFUNDED`; two ledger entries — the cash returned (debit
 *    `refunds`, credit `stripe_balance`) and its recovery (the creator's share out of `held` or
 *    `available`, any shortfall as the creator's `receivable`; the fee out of `fees`; credit
 *    `refunds`); an audit event; and the customer's `booking.refunded` message in the outbox.
 *    Stripe refunds what is left after any earlier (partial) refund, and only that is booked
 *    under this refund: an earlier refund not booked yet (its webhook still on the way, or a
 *    crash after Stripe made it) is booked first, as its own `charge.refunded` would book it
 *    (`applyRefund`, once per refund id) — the charge's refunds are read from Stripe after this
 *    one was made, so none is missing, and each Stripe refund has its own entries.
 *
 * Idempotent: a second call finds the payment REFUNDED and returns it without calling Stripe.
 *
 * @throws AppError CHECKOUT_SESSION_NOT_FOUND (404), CHECKOUT_SESSION_NOT_PAID (409),
 *   CHECKOUT_SESSION_NOT_A_BOOKING (422), PAYMENT_NOT_REFUNDABLE (409), STRIPE_* (refund refused)
 */
export async function refundFailedBooking(db: DbExecutor, input: RefundFailedBookingInput, context: ServiceContext): Promise<RefundFailedBookingResult> {
  const [found] = await db.select().from(payments).where(eq(payments.stripeCheckoutSessionId, input.checkoutSessionId)).limit(1);
  const payment = found ?? (await recordFromCheckoutSession(db, input, context));
  if (payment.status === 'REFUNDED') return alreadyRefunded(payment);
  const paymentIntentId = assertRefundable(payment);

  // The charge's other refunds, read before ours so that its charge.refunded is not given more time
  // to come first; read again after it when they do not add up with it (one made meanwhile).
  let earlier = await otherRefunds(payment, payment.stripeChargeId, context);
  const refund = await refundAtStripe(payment.id, paymentIntentId, context);
  if (BigInt(refund.amount) !== payment.amount - earlier.reduce((sum, r) => sum + BigInt(r.amount), 0n)) {
    earlier = await otherRefunds(payment, payment.stripeChargeId ?? (typeof refund.charge === 'string' ? refund.charge : (refund.charge?.id ?? null)), context);
  }

  return db.transaction(async (tx): Promise<RefundFailedBookingResult> => {
    // Creator, then payment: the lock order of applyRefund and the payout paths.
    let locked = await lockPaymentWithCreator(tx, payment.id);
    if (locked.status === 'REFUNDED') return alreadyRefunded(locked);
    for (const other of earlier) {
      const applied = await applyRefund(
        tx,
        { paymentId: locked.id, stripeRefund: { id: other.id, amount: BigInt(other.amount), currency: other.currency }, source: 'webhook', actor: 'stripe', reason: other.reason ?? null },
        context,
      );
      locked = applied.payment;
    }
    const now = context.clock.now();
    const { currency, creatorId } = locked;
    const refunds = platformAccount('refunds', currency);
    // An earlier partial refund was booked with its own split (applyRefund): this one returns the rest.
    const amount = locked.amount - locked.refundedAmount;
    const creatorPart = creatorNetShare(locked, locked.refundedAmount);
    const feePart = amount - creatorPart;
    // The refund's charge.refunded webhook may have been first: it booked the refund through
    // applyRefund (keyed by the refund id; the payment is CANCELLED). Then only the status,
    // audit and message remain to do here (docs/refunds-and-disputes.md).
    const [bookedByWebhook] = await tx.select({ id: paymentRefunds.id, amount: paymentRefunds.amount }).from(paymentRefunds).where(eq(paymentRefunds.id, refund.id));
    const refundedNow = bookedByWebhook?.amount ?? amount;

    // Where the creator's share is now: HELD → held, READY → available. Whatever is not there
    // any more (spent by a payout request, or the payment moved on since step 1) becomes debt.
    const shareKind = locked.status === 'HELD' ? 'held' : locked.status === 'READY' ? 'available' : null;
    const shareBalance = shareKind ? await balance(tx, creatorAccount(creatorId, shareKind, currency)) : 0n;
    const fromShare = shareBalance < creatorPart ? (shareBalance > 0n ? shareBalance : 0n) : creatorPart;
    const fromReceivable = creatorPart - fromShare;
    const recovery: LedgerPostingInput[] = [
      ...(shareKind && fromShare > 0n ? [{ account: creatorAccount(creatorId, shareKind, currency), debit: fromShare }] : []),
      ...(fromReceivable > 0n ? [{ account: creatorAccount(creatorId, 'receivable', currency), debit: fromReceivable }] : []),
      ...(feePart > 0n ? [{ account: platformAccount('fees', currency), debit: feePart }] : []),
    ];
    const description = `Refund ${refund.id} of payment ${locked.externalId}: booking ${locked.bookingId ?? '(none)'} could not be created`;
    if (!bookedByWebhook && amount > 0n) {
      await post(tx, {
        key: `payment:${locked.id}:refund:${REFUND_REQUEST_ID}:paid`,
        kind: 'payment.refunded',
        effectiveAt: now,
        description,
        metadata: { paymentId: locked.id, refundId: refund.id },
        postings: [
          { account: refunds, debit: amount },
          { account: platformAccount('stripe_balance', currency), credit: amount },
        ],
      });
      await post(tx, {
        key: `payment:${locked.id}:refund:${REFUND_REQUEST_ID}:recovered`,
        kind: 'payment.refund_recovered',
        effectiveAt: now,
        description,
        metadata: { paymentId: locked.id, refundId: refund.id },
        postings: [...recovery, { account: refunds, credit: amount }],
      });
    }

    const [updated] = await tx
      .update(payments)
      .set({ status: 'REFUNDED', refundedAmount: locked.amount, updatedAt: now, metadata: { ...locked.metadata, refundId: refund.id } })
      .where(eq(payments.id, locked.id))
      .returning();
    if (!updated) throw new AppError('PAYMENT_NOT_FOUND', `Payment ${locked.id} disappeared`, { kind: 'internal' });
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'payment.refunded',
      subjectType: 'payment',
      subjectId: locked.id,
      fromStatus: locked.status,
      toStatus: 'REFUNDED',
      amount: refundedNow,
      currency,
      reason: input.reason ?? 'booking_failed',
      metadata: {
        refundId: refund.id,
        checkoutSessionId: input.checkoutSessionId,
        bookingId: locked.bookingId,
        creatorShareFrom: shareKind,
        ...(fromReceivable > 0n && { creatorDebt: fromReceivable.toString() }),
        customerNotified: locked.customerEmail !== null,
      },
      at: now,
    });
    if (locked.customerEmail) {
      await enqueueMessage(tx, {
        topic: 'booking.refunded',
        recipient: `email:${locked.customerEmail}`,
        payload: {
          paymentId: locked.id,
          bookingId: locked.bookingId,
          refundId: refund.id,
          amount: refundedNow.toString(),
          currency,
          reason: 'Booking creation failed',
        },
        dedupeKey: `booking.refunded:${locked.id}`,
        at: now,
      });
    }
    return { payment: updated, refund: { id: refund.id, amount: refundedNow, currency }, alreadyRefunded: false };
  });
}

async function recordFromCheckoutSession(db: DbExecutor, input: RefundFailedBookingInput, context: ServiceContext): Promise<Payment> {
  let rawSession: unknown;
  try {
    rawSession = await context.stripe.retrieveCheckoutSession(input.checkoutSessionId);
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') {
      throw new AppError('CHECKOUT_SESSION_NOT_FOUND', `Stripe knows no Checkout session ${input.checkoutSessionId}`, { kind: 'not_found', cause: error });
    }
    throw error;
  }
  const session = parseStripeObject(checkoutSessionSchema, rawSession, 'Checkout session');
  if (session.payment_status !== 'paid' || !session.payment_intent) {
    throw new AppError('CHECKOUT_SESSION_NOT_PAID', `Checkout session ${session.id} is ${session.payment_status}: there is no payment to refund`, { kind: 'conflict' });
  }
  const rawIntent = await context.stripe.retrievePaymentIntent(session.payment_intent);
  const intent = parseStripeObject(paymentIntentSchema, rawIntent, 'payment intent');
  const paidAt = chargeTime(rawIntent) ?? context.clock.now();
  const result = await db.transaction((tx) => recordStripePayment(tx, paymentFactsFrom(intent, { paidAt, session }), { ...context, actor: input.actor }));
  if (result.outcome === 'not_a_creator_payment') {
    throw new AppError('CHECKOUT_SESSION_NOT_A_BOOKING', `Checkout session ${session.id} was not opened for a creator's booking: ${result.reason}`, { kind: 'unprocessable' });
  }
  return result.payment;
}

/** When the payment intent's charge was made (the intent is read with `latest_charge` expanded). */
function chargeTime(rawIntent: unknown): Date | undefined {
  const parsed = z.object({ latest_charge: z.object({ created: z.number().int() }).loose() }).loose().safeParse(rawIntent);
  return parsed.success ? new Date(parsed.data.latest_charge.created * 1000) : undefined;
}

/** @returns the payment intent to refund */
function assertRefundable(payment: Payment): string {
  const refusal = (why: string) =>
    new AppError('PAYMENT_NOT_REFUNDABLE', `Payment ${payment.id} cannot be refunded here: ${why}`, { kind: 'conflict', details: { paymentId: payment.id, status: payment.status } });
  if (!payment.stripePaymentIntentId) throw refusal('it was not paid through Stripe');
  if (payment.transferredAtSource) throw refusal("it was a destination charge: the creator's share has already left the platform");
  // CANCELLED and fully refunded: the charge.refunded webhook booked this path's refund first (a
  // retry after a crash); Stripe's idempotency gives the refund back and only the status is left.
  const bookedByWebhook = payment.status === 'CANCELLED' && payment.refundedAmount === payment.amount;
  if (payment.status !== 'HELD' && payment.status !== 'READY' && !bookedByWebhook) throw refusal(`it is ${payment.status}; only HELD or READY payments are refunded for a failed booking`);
  return payment.stripePaymentIntentId;
}

async function refundAtStripe(paymentId: string, paymentIntentId: string, context: ServiceContext): Promise<Awaited<ReturnType<ServiceContext['stripe']['createRefund']>>> {
  let refund;
  try {
    refund = await context.stripe.createRefund({ paymentId, refundRequestId: REFUND_REQUEST_ID, paymentIntentId, reason: 'requested_by_customer' });
  } catch (error) {
    const earlier =
      isAppError(error) && error.code === 'STRIPE_CHARGE_ALREADY_REFUNDED'
        ? await context.stripe.findRefundForPayment({ paymentIntentId, paymentId, refundRequestId: REFUND_REQUEST_ID })
        : undefined;
    if (!earlier) throw error;
    refund = earlier;
  }
  if (refund.status === 'failed' || refund.status === 'canceled') {
    throw new AppError('REFUND_FAILED', `Stripe refund ${refund.id} of payment ${paymentId} is ${refund.status}`, { kind: 'unavailable', details: { refundId: refund.id } });
  }
  return refund;
}

/** The charge's refunds that took money out, oldest first, but this path's own (a retry's). */
async function otherRefunds(payment: Payment, chargeId: string | null, context: ServiceContext) {
  if (!chargeId) return [];
  const refunds = await context.stripe.listChargeRefunds(chargeId);
  return refunds.filter((r) => (r.status === 'succeeded' || r.status === 'pending') && !(r.metadata?.paymentId === payment.id && r.metadata?.refundRequestId === REFUND_REQUEST_ID));
}

function alreadyRefunded(payment: Payment): RefundFailedBookingResult {
  return {
    payment,
    refund: { id: payment.metadata.refundId ?? '', amount: payment.refundedAmount, currency: payment.currency },
    alreadyRefunded: true,
  };
}
