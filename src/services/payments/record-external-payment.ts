import type { DbExecutor } from '../../db/database.js';
import { AppError } from '../../domain/errors/index.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { recordPayment, type Payment } from './record-payment.js';

export interface RecordExternalPaymentInput {
  creatorId: string;
  externalId: string;
  bookingId?: string | undefined;
  /** Minor units, positive. */
  amount: bigint;
  currency: string;
  /** Default: now. */
  paidAt?: Date | undefined;
  customerEmail?: string | undefined;
  metadata?: Record<string, string> | undefined;
  actor: Actor;
}

/** How far in the future a `paidAt` may be (clock skew between the host and us). */
const PAID_AT_SKEW_MS = 5 * 60_000;

/**
 * A payment the host platform took outside Stripe webhooks (`POST /api/payments`), recorded like
 * any other: fee split, HELD until the hold ends, ledger entry, audit, creator's notification.
 * Idempotent on `externalId`: repeating the same request returns the payment with `created:
 * false`; a repeat that disagrees with the recorded payment (other creator, amount or currency),
 * or a second payment for an already paid booking, is refused rather than silently merged.
 *
 * @throws AppError CREATOR_NOT_FOUND (422), PAID_AT_IN_FUTURE (400), PAYMENT_CONFLICT (409),
 *   BOOKING_ALREADY_PAID (409)
 */
export async function recordExternalPayment(
  tx: DbExecutor,
  input: RecordExternalPaymentInput,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<{ payment: Payment; created: boolean }> {
  const now = context.clock.now();
  const paidAt = input.paidAt ?? now;
  if (paidAt.getTime() > now.getTime() + PAID_AT_SKEW_MS) {
    throw new AppError('PAID_AT_IN_FUTURE', `paidAt ${paidAt.toISOString()} is in the future`, { kind: 'invalid', details: { param: 'paidAt' } });
  }
  const currency = normalizeCurrency(input.currency);
  const result = await recordPayment(
    tx,
    {
      creatorId: input.creatorId,
      externalId: input.externalId,
      bookingId: input.bookingId ?? null,
      amount: input.amount,
      currency,
      paidAt,
      customerEmail: input.customerEmail ?? null,
      metadata: input.metadata ?? {},
      actor: input.actor,
    },
    context,
  );
  if (result.created) return result;
  const existing = result.payment;
  if (existing.externalId !== input.externalId) {
    throw new AppError('BOOKING_ALREADY_PAID', `Booking ${input.bookingId} is already paid by payment ${existing.id} (external id ${existing.externalId})`, {
      kind: 'conflict',
      details: { paymentId: existing.id, bookingId: input.bookingId },
    });
  }
  const differences = [
    existing.creatorId !== input.creatorId && 'creatorId',
    existing.amount !== input.amount && 'amount',
    existing.currency !== currency && 'currency',
    (existing.bookingId ?? undefined) !== input.bookingId && 'bookingId',
  ].filter((name): name is string => typeof name === 'string');
  if (differences.length > 0) {
    throw new AppError('PAYMENT_CONFLICT', `A payment with external id ${input.externalId} was recorded with another ${differences.join(', ')}`, {
      kind: 'conflict',
      details: { paymentId: existing.id, fields: differences },
    });
  }
  return result;
}
