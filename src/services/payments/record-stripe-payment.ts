import { eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { recordPayment, recordPaymentWithEvent, type Payment, type ReceivedEventRow, type RecordPaymentInput } from './record-payment.js';

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
  const input = stripePaymentInput(facts, context.actor ?? 'stripe');
  if ('reason' in input) return { outcome: 'not_a_creator_payment', reason: input.reason };
  const { creatorId, bookingId } = input;
  const { payment, created } = await recordPayment(tx, input, context);
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

/**
 * What `recordStripePayment` records for these facts: the creator and booking from the metadata
 * (trimmed), the rest of the metadata kept on the payment; or, without `creatorId`, why it is not
 * a creator's payment.
 */
function stripePaymentInput(facts: StripePaymentFacts, actor: Actor): (RecordPaymentInput & { bookingId: string | null }) | { reason: string } {
  const creatorId = facts.metadata.creatorId?.trim();
  if (!creatorId) return { reason: `payment intent ${facts.paymentIntentId} has no creatorId metadata: not a creator's booking` };
  return {
    creatorId,
    externalId: facts.paymentIntentId,
    bookingId: facts.metadata.bookingId?.trim() || null,
    amount: facts.amount,
    currency: facts.currency,
    paidAt: facts.paidAt,
    stripePaymentIntentId: facts.paymentIntentId,
    stripeChargeId: facts.chargeId,
    stripeCheckoutSessionId: facts.checkoutSessionId,
    customerEmail: facts.customerEmail,
    transferredAtSource: facts.transferDestination !== null,
    metadata: Object.fromEntries(Object.entries(facts.metadata).filter(([key]) => !ROUTING_KEYS.has(key))),
    actor,
  };
}

/**
 * A webhook's receipt and the payment it reports, in one statement (`recordPaymentWithEvent`),
 * for the plain case: a creator's new payment. @returns `recorded` or `duplicate` (the event was
 * stored before), or undefined when it declined — not a creator's payment, a destination charge,
 * no such creator, an existing payment…: nothing was written, and the caller's general path
 * (`recordStripePayment` in the ingestion transaction) decides.
 */
export async function recordStripePaymentWithEvent(
  db: DbExecutor,
  event: ReceivedEventRow,
  facts: StripePaymentFacts,
  context: Pick<ServiceContext, 'config' | 'clock'> & { actor?: Actor },
): Promise<'recorded' | 'duplicate' | undefined> {
  const input = stripePaymentInput(facts, context.actor ?? 'stripe');
  if ('reason' in input) return undefined;
  return recordPaymentWithEvent(db, event, input, context);
}
