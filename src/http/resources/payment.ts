import { z } from 'zod';
import type { payments } from '../../db/schema/index.js';
import { paymentStatuses } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';

type Payment = typeof payments.$inferSelect;

/** Minor units as a JSON number, like Stripe; refuses a bigint JSON cannot carry exactly. */
export function minorUnits(amount: bigint): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError('AMOUNT_NOT_REPRESENTABLE', `amount ${amount} is beyond what JSON numbers carry exactly`, { kind: 'internal' });
  }
  return Number(amount);
}

export const paymentResource = z.object({
  id: z.string(),
  creatorId: z.string(),
  bookingId: z.string().nullable(),
  externalId: z.string(),
  amount: z.number().int().describe('What the customer paid, minor units'),
  feeAmount: z.number().int().describe("The platform's fee, minor units"),
  creatorAmount: z.number().int().describe("The creator's share, minor units"),
  refundedAmount: z.number().int(),
  currency: z.string().describe('Lower-case ISO 4217'),
  status: z.enum(paymentStatuses).describe("Seed 000's payoutStatus"),
  disputeRequested: z.boolean(),
  paidAt: z.string(),
  payoutReleaseDate: z.string().describe('When the hold ends'),
  releaseInSeconds: z.number().int().nullable().describe('Countdown to the release date while HELD, else null'),
  createdAt: z.string(),
});

export type PaymentResource = z.infer<typeof paymentResource>;

export function toPaymentResource(payment: Payment, now: Date): PaymentResource {
  return {
    id: payment.id,
    creatorId: payment.creatorId,
    bookingId: payment.bookingId,
    externalId: payment.externalId,
    amount: minorUnits(payment.amount),
    feeAmount: minorUnits(payment.feeAmount),
    creatorAmount: minorUnits(payment.creatorAmount),
    refundedAmount: minorUnits(payment.refundedAmount),
    currency: payment.currency,
    status: payment.status,
    disputeRequested: payment.disputeRequested,
    paidAt: payment.paidAt.toISOString(),
    payoutReleaseDate: payment.payoutReleaseDate.toISOString(),
    releaseInSeconds: payment.status === 'HELD' ? Math.max(0, Math.ceil((payment.payoutReleaseDate.getTime() - now.getTime()) / 1000)) : null,
    createdAt: payment.createdAt.toISOString(),
  };
}
