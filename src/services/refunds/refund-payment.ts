import { eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { payments } from '../../db/schema/index.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import { crashPoint } from '../../providers/crash-points/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { applyRefund, type ApplyRefundResult } from './apply-refund.js';

export interface RefundPaymentInput {
  paymentId: string;
  /** Minor units; default: all that is not refunded yet. */
  amount?: bigint | undefined;
  reason: string;
  /** Makes a repeated request the same Stripe refund (the idempotency key); default: a new one. */
  requestId?: string | undefined;
  actor: Actor;
}

export interface RefundPaymentResult {
  result: ApplyRefundResult;
  stripeRefundId: string;
  requestId: string;
}

/**
 * An admin refunds (part of) a payment (`POST /api/admin/payments/:id/refund`): the refund at
 * Stripe first, outside any transaction, with the idempotency key
 * `payouts:refund:<paymentId>:<requestId>`; then `applyRefund` — the same function the
 * `charge.refunded` webhook uses, keyed by the Stripe refund id, so the books change once
 * whichever of the two comes first (`outcome: 'duplicate'` when the webhook was first).
 *
 * @throws AppError PAYMENT_NOT_FOUND (404), PAYMENT_NOT_REFUNDABLE (409: not paid through Stripe,
 *   refunded in full, under dispute), REFUND_AMOUNT_TOO_LARGE (400), STRIPE_* (Stripe refused),
 *   REFUND_FAILED (503)
 */
export async function refundPayment(db: Db, input: RefundPaymentInput, context: ServiceContext): Promise<RefundPaymentResult> {
  const [payment] = await db.select().from(payments).where(eq(payments.id, input.paymentId));
  if (!payment) throw new AppError('PAYMENT_NOT_FOUND', `No payment with id ${input.paymentId}`, { kind: 'not_found' });
  const refusal = (why: string) =>
    new AppError('PAYMENT_NOT_REFUNDABLE', `Payment ${payment.id} cannot be refunded: ${why}`, { kind: 'conflict', details: { paymentId: payment.id, status: payment.status } });
  if (!payment.stripePaymentIntentId) throw refusal('it was not paid through Stripe');
  if (payment.status === 'DISPUTED') throw refusal('it is under dispute (the dispute decides where the money goes)');
  const left = payment.amount - payment.refundedAmount;
  if (payment.status === 'REFUNDED' || left <= 0n) throw refusal('it has been refunded in full');
  const amount = input.amount ?? left;
  if (amount <= 0n || amount > left) {
    throw new AppError('REFUND_AMOUNT_TOO_LARGE', `At most ${left} of payment ${payment.id} can still be refunded`, { kind: 'invalid', details: { param: 'amount', refundable: String(left) } });
  }
  const requestId = input.requestId ?? newId('ref');
  crashPoint('refund.requested');
  const refund = await refundAtStripe({ paymentId: payment.id, paymentIntentId: payment.stripePaymentIntentId, requestId, amount }, context);
  crashPoint('refund.made');

  const result = await db.transaction(async (tx) => {
    const applied = await applyRefund(
      tx,
      { paymentId: payment.id, stripeRefund: { id: refund.id, amount: BigInt(refund.amount), currency: refund.currency }, source: 'admin', actor: input.actor, reason: input.reason },
      context,
    );
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'payment.refund_requested',
      subjectType: 'payment',
      subjectId: payment.id,
      fromStatus: payment.status,
      toStatus: applied.payment.status,
      amount: BigInt(refund.amount),
      currency: payment.currency,
      reason: input.reason,
      metadata: { refundId: refund.id, requestId, appliedBy: applied.outcome === 'applied' ? 'this request' : applied.outcome },
      at: context.clock.now(),
    });
    return applied;
  });
  return { result, stripeRefundId: refund.id, requestId };
}

type StripeRefund = Awaited<ReturnType<ServiceContext['stripe']['createRefund']>>;

async function refundAtStripe(input: { paymentId: string; paymentIntentId: string; requestId: string; amount: bigint }, context: ServiceContext): Promise<StripeRefund> {
  let refund: StripeRefund | undefined;
  try {
    refund = await context.stripe.createRefund({ paymentId: input.paymentId, refundRequestId: input.requestId, paymentIntentId: input.paymentIntentId, amount: input.amount, reason: 'requested_by_customer' });
  } catch (error) {
    // The key expired (after ~24 h) and the charge has no money left: find the earlier refund of this request.
    if (isAppError(error) && error.code === 'STRIPE_CHARGE_ALREADY_REFUNDED') {
      refund = await context.stripe.findRefundForPayment({ paymentIntentId: input.paymentIntentId, paymentId: input.paymentId, refundRequestId: input.requestId });
    }
    if (!refund) throw error;
  }
  if (refund.status === 'failed' || refund.status === 'canceled') {
    throw new AppError('REFUND_FAILED', `Stripe refund ${refund.id} of payment ${input.paymentId} is ${refund.status}`, { kind: 'unavailable', details: { refundId: refund.id } });
  }
  return refund;
}
