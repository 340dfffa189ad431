import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { splitFee } from '../../domain/payments/split-fee.js';
import type { ServiceContext } from '../context.js';

export interface CreateBookingCheckoutInput {
  creatorId: string;
  /** The host platform's booking id: one paid checkout per booking. */
  bookingId: string;
  /** Minor units. */
  amount: bigint;
  currency: string;
  productName: string;
  productDescription?: string | undefined;
  /** May contain Stripe's `{CHECKOUT_SESSION_ID}` placeholder. */
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string | undefined;
  /** Extra metadata for the session and its payment intent (seed 004: attendee, start time, event type). */
  metadata?: Record<string, string> | undefined;
}

export interface BookingCheckout {
  sessionId: string;
  url: string;
  expiresAt: Date | null;
  amount: bigint;
  currency: string;
  /** What the split will be when the payment arrives (the creator's fee, else the platform's). */
  feeAmount: bigint;
  creatorAmount: bigint;
}

/**
 * Open a Stripe Checkout session for a booking (seed 004 §2): the customer pays the platform,
 * which holds the money (separate charges and transfers). The session and its payment intent
 * carry `creatorId` and `bookingId` (and seed 004's `platformFee` / `creatorAmount`) in their
 * metadata, which is how the webhooks record the payment. The session is created with an
 * idempotency key from the booking id: asking twice for one booking returns the same session.
 * No database write: the payment is recorded when Stripe says it was paid.
 *
 * @throws AppError CREATOR_NOT_FOUND (422), BOOKING_ALREADY_PAID (409), STRIPE_* from the gateway
 */
export async function createBookingCheckout(db: DbExecutor, input: CreateBookingCheckoutInput, context: Pick<ServiceContext, 'config' | 'stripe'>): Promise<BookingCheckout> {
  const [creator] = await db.select({ id: creators.id, feeBps: creators.feeBps }).from(creators).where(eq(creators.id, input.creatorId));
  if (!creator) {
    throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'unprocessable', details: { creatorId: input.creatorId } });
  }
  const [paid] = await db.select({ id: payments.id }).from(payments).where(eq(payments.bookingId, input.bookingId)).limit(1);
  if (paid) {
    throw new AppError('BOOKING_ALREADY_PAID', `Booking ${input.bookingId} is already paid (payment ${paid.id})`, {
      kind: 'conflict',
      details: { bookingId: input.bookingId, paymentId: paid.id },
    });
  }
  const currency = normalizeCurrency(input.currency);
  const { feeAmount, creatorAmount } = splitFee(input.amount, creator.feeBps ?? context.config.platformFeeBps);
  const session = await context.stripe.createCheckoutSession({
    bookingId: input.bookingId,
    creatorId: creator.id,
    amount: input.amount,
    currency,
    productName: input.productName,
    productDescription: input.productDescription,
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    customerEmail: input.customerEmail,
    metadata: { ...input.metadata, platformFee: feeAmount.toString(), creatorAmount: creatorAmount.toString() },
  });
  if (!session.url) throw new AppError('CHECKOUT_SESSION_WITHOUT_URL', `Stripe returned Checkout session ${session.id} without a URL`, { kind: 'unavailable' });
  return {
    sessionId: session.id,
    url: session.url,
    expiresAt: typeof session.expires_at === 'number' ? new Date(session.expires_at * 1000) : null,
    amount: input.amount,
    currency,
    feeAmount,
    creatorAmount,
  };
}
