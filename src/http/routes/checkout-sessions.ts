import { z } from 'zod';
import { createBookingCheckout } from '../../services/checkout/create-booking-checkout.js';
import { refundFailedBooking } from '../../services/checkout/refund-failed-booking.js';
import type { App } from '../app.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { minorUnits, paymentResource, toPaymentResource } from '../resources/payment.js';
import { currencySchema, metadataSchema, minorUnitsSchema } from './platform-payments.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

/**
 * Seed 004's booking checkout input, mapped onto ours: the host resolves its mentor and event type
 * to `creatorId` and an amount; the attendee becomes the customer (email prefilled on Checkout)
 * and, with the start time and event type, goes into the session's metadata.
 */
const createCheckoutBody = z.strictObject({
  creatorId: z.string().min(1).max(64),
  bookingId: z.string().trim().min(1).max(255).describe("The host's booking id: one paid checkout per booking"),
  amount: minorUnitsSchema,
  currency: currencySchema.optional().describe('Default: DEFAULT_CURRENCY'),
  productName: z.string().trim().min(1).max(250).describe('Shown on Checkout, e.g. "60-minute session with Ada"'),
  productDescription: z.string().trim().min(1).max(500).optional(),
  successUrl: httpUrl.describe("Where Stripe sends the customer after paying; may contain Stripe's {CHECKOUT_SESSION_ID}"),
  cancelUrl: httpUrl,
  customerEmail: z.email().max(320).optional(),
  attendee: z
    .strictObject({ name: z.string().trim().min(1).max(200).optional(), email: z.email().max(320).optional(), timeZone: z.string().trim().min(1).max(64).optional() })
    .optional()
    .describe("Seed 004's attendee; its email is used when customerEmail is absent"),
  startTime: z.iso.datetime({ offset: true }).optional().describe('When the booked session starts (seed 004)'),
  eventTypeId: z.union([z.string().min(1).max(100), z.number().int().positive()]).optional(),
  metadata: metadataSchema.optional(),
});

const checkoutReply = z.object({
  sessionId: z.string(),
  url: z.string().describe('Send the customer here to pay'),
  expiresAt: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  feeAmount: z.number().int().describe("The platform's fee the payment will carry"),
  creatorAmount: z.number().int().describe("The creator's share, held after payment"),
});

/** Booking checkout for host platforms (seed 004; docs/webhooks.md "Checkout"). */
export async function checkoutSessionRoutes(app: App): Promise<void> {
  app.post(
    '/api/checkout/sessions',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('PLATFORM'),
      schema: {
        summary: 'Open a Stripe Checkout session for a booking',
        description:
          'The session and its payment intent carry `creatorId` and `bookingId` metadata; when it is paid, the webhooks record the payment (HELD for the holding period). ' +
          'Asking again for the same booking returns the same session. 422 CREATOR_NOT_FOUND; 409 BOOKING_ALREADY_PAID.',
        tags: ['checkout'],
        body: createCheckoutBody,
        response: { 201: checkoutReply, '4xx': errorReplySchema, '5xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const { database, config, stripe } = app.deps;
      const body = request.body;
      const extra: Record<string, string> = {
        ...body.metadata,
        ...(body.attendee?.name && { attendeeName: body.attendee.name }),
        ...(body.attendee?.email && { attendeeEmail: body.attendee.email }),
        ...(body.attendee?.timeZone && { attendeeTimeZone: body.attendee.timeZone }),
        ...(body.startTime && { startTime: body.startTime }),
        ...(body.eventTypeId !== undefined && { eventTypeId: String(body.eventTypeId) }),
      };
      const checkout = await createBookingCheckout(
        database.db,
        {
          creatorId: body.creatorId,
          bookingId: body.bookingId,
          amount: BigInt(body.amount),
          currency: body.currency ?? config.defaultCurrency,
          productName: body.productName,
          productDescription: body.productDescription,
          successUrl: body.successUrl,
          cancelUrl: body.cancelUrl,
          customerEmail: body.customerEmail ?? body.attendee?.email,
          metadata: extra,
        },
        { config, stripe },
      );
      return reply.code(201).send({
        sessionId: checkout.sessionId,
        url: checkout.url,
        expiresAt: checkout.expiresAt?.toISOString() ?? null,
        amount: minorUnits(checkout.amount),
        currency: checkout.currency,
        feeAmount: minorUnits(checkout.feeAmount),
        creatorAmount: minorUnits(checkout.creatorAmount),
      });
    },
  );

  app.post(
    '/api/checkout/sessions/:id/booking-failed',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('PLATFORM'),
      schema: {
        summary: 'The booking could not be created after payment: refund the customer',
        description:
          'Refunds the payment in full through Stripe, marks it REFUNDED, takes it out of the ledger (creator share and fee) and queues the customer\'s `booking.refunded` email. ' +
          'If the webhooks have not recorded the payment yet, it is recorded first. Idempotent: a second call refunds nothing and answers `alreadyRefunded: true`. ' +
          '409 CHECKOUT_SESSION_NOT_PAID; 409 PAYMENT_NOT_REFUNDABLE once the creator\'s share has left (PROCESSING, PAID, destination charge).',
        tags: ['checkout'],
        params: z.object({ id: z.string().min(1).max(255).describe('Checkout session id, cs_…') }),
        body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional().describe('Why the booking failed, for the audit trail') }).nullish(),
        response: {
          200: z.object({
            payment: paymentResource,
            refund: z.object({ id: z.string(), amount: z.number().int(), currency: z.string() }),
            alreadyRefunded: z.boolean(),
          }),
          '4xx': errorReplySchema,
          '5xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, clock } = app.deps;
      const result = await refundFailedBooking(database.db, { checkoutSessionId: request.params.id, actor: request.principal!.actor, reason: request.body?.reason }, app.deps);
      return {
        payment: toPaymentResource(result.payment, clock.now()),
        refund: { id: result.refund.id, amount: minorUnits(result.refund.amount), currency: result.refund.currency },
        alreadyRefunded: result.alreadyRefunded,
      };
    },
  );
}
