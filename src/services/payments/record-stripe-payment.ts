import { eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { recordPayment, type Payment } from './record-payment.js';

/** What Stripe tells us about a succeeded payment, from a payment intent (and its Checkout session, if any). */
export interface StripePaymentFacts {
  paymentIntentId: string;
  chargeId: string | null;
  checkoutSessionId: string | null;
  /** Minor units actually received. */
  amount: bigint;
  currency: string;
  paidAt: Date;
  /** The payment intent's and session's metadata; `creatorId` and `bookingId` say whose booking it pays. */
  metadata: Record<string, string>;
  customerEmail: string | null;
  /** `transfer_data.destination` of a destination charge: the creator's share has already left. */
  transferDestination: string | null;
}

export type RecordStripePaymentResult =
  | { outcome: 'recorded' | 'existing'; payment: Payment }
  /** No `creatorId` metadata: a payment of the platform's Stripe account that is not a creator's booking. */
  | { outcome: 'not_a_creator_payment'; reason: string };

/** Metadata keys that steer recording; the rest is kept on the payment. */
const ROUTING_KEYS = new Set(['creatorId', 'bookingId']);

/**
 * Record a payment Stripe reports as succeeded, once per payment intent: `payment_intent.succeeded`
 * and `checkout.session.completed` for one Checkout both land here and make one payment, in
 * whichever order they arrive. When the payment exists already, what the later source knows and
 * the earlier did not (the session id, the charge, the customer's email) is filled in.
 *
 * @throws AppError CREATOR_NOT_FOUND (the metadata names no known creator), BOOKING_ALREADY_PAID
 *   (another payment intent already paid this booking), PAYMENT_CONFLICT (same payment, other creator)
 */
export async function recordStripePayment(
  tx: DbExecutor,
  facts: StripePaymentFacts,
  context: Pick<ServiceContext, 'config' | 'clock'> & { actor?: Actor },
): Promise<RecordStripePaymentResult> {
  const creatorId = facts.metadata.creatorId?.trim();
  if (!creatorId) {
    return { outcome: 'not_a_creator_payment', reason: `payment intent ${facts.paymentIntentId} has no creatorId metadata: not a creator's booking` };
  }
  const bookingId = facts.metadata.bookingId?.trim() || null;
  const metadata = Object.fromEntries(Object.entries(facts.metadata).filter(([key]) => !ROUTING_KEYS.has(key)));
  const { payment, created } = await recordPayment(
    tx,
    {
      creatorId,
      externalId: facts.paymentIntentId,
      bookingId,
      amount: facts.amount,
      currency: facts.currency,
      paidAt: facts.paidAt,
      stripePaymentIntentId: facts.paymentIntentId,
      stripeChargeId: facts.chargeId,
      stripeCheckoutSessionId: facts.checkoutSessionId,
      customerEmail: facts.customerEmail,
      transferredAtSource: facts.transferDestination !== null,
      metadata,
      actor: context.actor ?? 'stripe',
    },
    context,
  );
  if (created) return { outcome: 'recorded', payment };

  if (payment.stripePaymentIntentId !== null && payment.stripePaymentIntentId !== facts.paymentIntentId) {
    throw new AppError(
      'BOOKING_ALREADY_PAID',
      `Booking ${bookingId} is already paid by payment ${payment.id} (payment intent ${payment.stripePaymentIntentId}); payment intent ${facts.paymentIntentId} pays it a second time and needs a refund`,
      { kind: 'conflict', details: { paymentId: payment.id, bookingId, paymentIntentId: facts.paymentIntentId } },
    );
  }
  if (payment.creatorId !== creatorId) {
    throw new AppError('PAYMENT_CONFLICT', `Payment ${payment.id} belongs to creator ${payment.creatorId}, but Stripe's metadata names creator ${creatorId}`, {
      kind: 'conflict',
      details: { paymentId: payment.id },
    });
  }
  const [filledIn] = await tx
    .update(payments)
    .set({
      stripePaymentIntentId: sql`coalesce(${payments.stripePaymentIntentId}, ${facts.paymentIntentId})`,
      stripeChargeId: sql`coalesce(${payments.stripeChargeId}, ${facts.chargeId})`,
      stripeCheckoutSessionId: sql`coalesce(${payments.stripeCheckoutSessionId}, ${facts.checkoutSessionId})`,
      customerEmail: sql`coalesce(${payments.customerEmail}, ${facts.customerEmail})`,
    })
    .where(eq(payments.id, payment.id))
    .returning();
  return { outcome: 'existing', payment: filledIn ?? payment };
}
