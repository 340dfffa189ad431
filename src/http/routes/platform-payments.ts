import { z } from 'zod';
import { transactionWithRetry } from '../../db/transaction-with-retry.js';
import { isKnownCurrency, MAX_AMOUNT_MINOR } from '../../domain/money/index.js';
import { recordExternalPayment } from '../../services/payments/record-external-payment.js';
import type { App } from '../app.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { paymentResource, toPaymentResource } from '../resources/payment.js';

/** Minor units as a JSON integer: positive, at most the service's bound for amounts (`MAX_AMOUNT_MINOR`, docs/security.md). */
export const positiveMinorUnitsSchema = z
  .number()
  .int()
  .positive()
  .max(Number(MAX_AMOUNT_MINOR), { error: `must be at most ${MAX_AMOUNT_MINOR} minor units` });

export const minorUnitsSchema = positiveMinorUnitsSchema.describe('Minor units (cents), e.g. 7000 for 70.00 EUR');

export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO 4217 code such as eur' })
  .transform((value) => value.toLowerCase())
  .refine(isKnownCurrency, { error: 'is not an ISO 4217 currency' })
  .describe('ISO 4217, e.g. eur');

/** Like Stripe's metadata: at most 50 keys of up to 40 characters, values of up to 500. */
export const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 50, { error: 'has more than 50 keys' });

const recordPaymentBody = z.strictObject({
  creatorId: z.string().min(1).max(64),
  externalId: z.string().trim().min(1).max(255).describe("The host's id for this payment: repeating it returns the payment already recorded"),
  bookingId: z.string().trim().min(1).max(255).optional().describe('At most one payment per booking'),
  amount: minorUnitsSchema,
  currency: currencySchema,
  paidAt: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
  customerEmail: z.email().max(320).optional(),
  metadata: metadataSchema.optional(),
});

/** `POST /api/payments`: a host platform records a payment taken outside Stripe webhooks (DESIGN.md §10). */
export async function platformPaymentRoutes(app: App): Promise<void> {
  app.post(
    '/api/payments',
    {
      config: moneyRouteRateLimit,
      preValidation: requireRoles('PLATFORM', 'ADMIN'),
      schema: {
        summary: 'Record a payment made outside Stripe webhooks (idempotent on externalId)',
        description:
          'The payment is split (platform fee / creator share), HELD until its release date and written to the ledger. ' +
          '201 when recorded; 200 with the same payment when the externalId was recorded before with the same content; ' +
          '409 PAYMENT_CONFLICT when it was recorded with other content, 409 BOOKING_ALREADY_PAID for a second payment of one booking, ' +
          '422 CREATOR_NOT_FOUND.',
        tags: ['payments'],
        body: recordPaymentBody,
        response: { 200: z.object({ payment: paymentResource }), 201: z.object({ payment: paymentResource }), '4xx': errorReplySchema },
      },
    },
    async (request, reply) => {
      const { database, config, clock } = app.deps;
      const body = request.body;
      // A deadlock victim (several instances writing the same ledger and analytics rows) is run again, not a 500.
      const { payment, created } = await transactionWithRetry(database.db, (tx) =>
        recordExternalPayment(
          tx,
          {
            creatorId: body.creatorId,
            externalId: body.externalId,
            bookingId: body.bookingId,
            amount: BigInt(body.amount),
            currency: body.currency,
            paidAt: body.paidAt === undefined ? undefined : new Date(body.paidAt),
            customerEmail: body.customerEmail,
            metadata: body.metadata,
            actor: request.principal!.actor,
          },
          { config, clock },
        ),
      );
      return reply.code(created ? 201 : 200).send({ payment: toPaymentResource(payment, clock.now()) });
    },
  );
}
