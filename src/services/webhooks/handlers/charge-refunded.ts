import { z } from 'zod';
import { AppError } from '../../../domain/errors/index.js';
import { applyRefund } from '../../refunds/apply-refund.js';
import { findStripePayment } from '../../refunds/creator-money.js';
import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

const reference = z.union([z.string(), z.object({ id: z.string() }).loose()]).transform((value) => (typeof value === 'string' ? value : value.id));

const refundSchema = z
  .object({
    id: z.string().min(1),
    amount: z.number().int().positive(),
    currency: z.string().length(3),
    status: z.string().nullish(),
    created: z.number().int().nullish(),
    reason: z.string().nullish(),
  })
  .loose();

const chargeSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('charge'),
    amount: z.number().int(),
    amount_refunded: z.number().int(),
    currency: z.string().length(3),
    payment_intent: reference.nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    refunds: z.object({ data: z.array(refundSchema), has_more: z.boolean().nullish() }).loose().nullish(),
  })
  .loose();

type StripeRefundFields = z.infer<typeof refundSchema>;

/** Refunds that took money out of the balance: `succeeded`, or `pending` (Stripe debits it at once). */
const applies = (refund: StripeRefundFields) => !refund.status || refund.status === 'succeeded' || refund.status === 'pending';

/**
 * `charge.refunded` (docs/refunds-and-disputes.md): every refund of the charge not applied yet
 * goes through `applyRefund`, oldest first — keyed by the Stripe refund id, so a repeated event,
 * the next partial refund's event (which lists the earlier refunds too) and our own admin refund
 * never apply a refund twice. The charge's refunds come embedded in the event (older API
 * versions, the sandbox) or are listed from Stripe in `prepare`.
 *
 * A charge of no payment of ours: ignored when it carries no `creatorId` (not a creator's
 * booking); else failed with PAYMENT_NOT_RECORDED_YET, so the retry sweep applies it once the
 * payment's `payment_intent.succeeded` has arrived (out-of-order events).
 */
export const chargeRefundedHandler = defineWebhookHandler<StripeRefundFields[]>({
  async prepare(event, context) {
    const charge = parseStripeObject(chargeSchema, event.data.object, 'charge');
    if (charge.refunds && !charge.refunds.has_more) return charge.refunds.data;
    return (await context.stripe.listChargeRefunds(charge.id)).map((refund) => parseStripeObject(refundSchema, refund, 'refund'));
  },
  async handle(tx, event, refunds, context) {
    const charge = parseStripeObject(chargeSchema, event.data.object, 'charge');
    const payment = await findStripePayment(tx, { paymentIntentId: charge.payment_intent ?? null, chargeId: charge.id });
    if (!payment) {
      if (!charge.metadata?.creatorId) return { status: 'ignored', reason: `charge ${charge.id} is not a creator's booking (no creatorId metadata) and no payment of ours has it` };
      throw new AppError('PAYMENT_NOT_RECORDED_YET', `No payment for charge ${charge.id} (payment intent ${charge.payment_intent ?? 'none'}) yet: the refund is applied once its payment_intent.succeeded has been recorded`, {
        kind: 'not_found',
        details: { chargeId: charge.id },
      });
    }
    if (payment.status === 'REFUNDED') return { status: 'ignored', reason: `payment ${payment.id} was refunded in full by the booking-failed path, which booked it` };
    const ordered = refunds.filter(applies).sort((a, b) => (a.created ?? 0) - (b.created ?? 0) || a.id.localeCompare(b.id));
    for (const refund of ordered) {
      await applyRefund(
        tx,
        { paymentId: payment.id, stripeRefund: { id: refund.id, amount: BigInt(refund.amount), currency: refund.currency }, source: 'webhook', actor: 'stripe', reason: refund.reason ?? null },
        context,
      );
    }
    return { status: 'completed' };
  },
});
