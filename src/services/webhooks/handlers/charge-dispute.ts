import { z } from 'zod';
import { AppError } from '../../../domain/errors/index.js';
import { closeDispute, openDispute } from '../../refunds/disputes.js';
import { findStripePayment } from '../../refunds/creator-money.js';
import { parseStripeObject } from '../../payments/stripe-payment-objects.js';
import type { ServiceContext } from '../../context.js';
import type { DbExecutor } from '../../../db/database.js';
import type { WebhookEvent } from '../webhook-event.js';
import { defineWebhookHandler, type WebhookHandlerOutcome } from '../webhook-event-handler.js';

const reference = z.union([z.string(), z.object({ id: z.string() }).loose()]).transform((value) => (typeof value === 'string' ? value : value.id));

const disputeSchema = z
  .object({
    id: z.string().min(1),
    object: z.literal('dispute'),
    amount: z.number().int().nonnegative(),
    currency: z.string().length(3),
    charge: reference,
    payment_intent: reference.nullish(),
    reason: z.string().nullish(),
    status: z.string(),
    balance_transactions: z.array(z.object({ fee: z.number().int(), currency: z.string().length(3) }).loose()).nullish(),
  })
  .loose();

type DisputeFields = z.infer<typeof disputeSchema>;

interface PreparedDispute {
  /** The disputed charge's metadata: whether it is a creator's booking at all. */
  chargeMetadata: Record<string, string>;
  paymentIntentId: string | null;
}

/**
 * `charge.dispute.created` and `charge.dispute.closed` (docs/refunds-and-disputes.md). The charge
 * is read in `prepare` (a dispute carries neither its charge's metadata nor, on older API
 * versions, its payment intent). A closed event for a dispute we never saw opens it first.
 * Out of order: a dispute of a creator's charge whose payment is not recorded yet fails with
 * PAYMENT_NOT_RECORDED_YET and is applied by the retry sweep once it is.
 */
export const chargeDisputeHandler = defineWebhookHandler<PreparedDispute>({
  async prepare(event, context) {
    const dispute = parseStripeObject(disputeSchema, event.data.object, 'dispute');
    const charge = await context.stripe.retrieveCharge(dispute.charge);
    const intent = charge.payment_intent;
    return { chargeMetadata: charge.metadata ?? {}, paymentIntentId: dispute.payment_intent ?? (typeof intent === 'string' ? intent : (intent?.id ?? null)) };
  },
  async handle(tx, event, prepared, context) {
    const dispute = parseStripeObject(disputeSchema, event.data.object, 'dispute');
    return applyDisputeEvent(tx, event, dispute, prepared, context);
  },
});

async function applyDisputeEvent(tx: DbExecutor, event: WebhookEvent, dispute: DisputeFields, prepared: PreparedDispute, context: ServiceContext): Promise<WebhookHandlerOutcome> {
  const payment = await findStripePayment(tx, { paymentIntentId: prepared.paymentIntentId, chargeId: dispute.charge });
  if (!payment) {
    if (!prepared.chargeMetadata.creatorId) return { status: 'ignored', reason: `charge ${dispute.charge} is not a creator's booking (no creatorId metadata) and no payment of ours has it` };
    throw new AppError('PAYMENT_NOT_RECORDED_YET', `No payment for charge ${dispute.charge} yet: dispute ${dispute.id} is applied once its payment_intent.succeeded has been recorded`, {
      kind: 'not_found',
      details: { chargeId: dispute.charge, disputeId: dispute.id },
    });
  }
  const facts = { id: dispute.id, amount: BigInt(dispute.amount), currency: dispute.currency, reason: dispute.reason ?? null };
  const opened = await openDispute(tx, { paymentId: payment.id, dispute: facts, actor: 'stripe' }, context);
  if (opened.outcome === 'nothing_disputed') return { status: 'ignored', reason: `payment ${payment.id} has been refunded in full: nothing left to dispute` };
  if (event.type !== 'charge.dispute.closed') return { status: 'completed' };
  const outcome = dispute.status === 'won' || dispute.status === 'warning_closed' ? 'won' : dispute.status === 'lost' ? 'lost' : null;
  if (!outcome) return { status: 'ignored', reason: `dispute ${dispute.id} closed with status ${dispute.status}` };
  const fees = (dispute.balance_transactions ?? []).filter((t) => t.currency.toLowerCase() === payment.currency);
  const fee = fees.reduce((sum, t) => sum + BigInt(t.fee), 0n);
  await closeDispute(tx, { disputeId: dispute.id, outcome, disputeFee: fees.length > 0 ? fee : null, feePayer: context.config.disputeFeePayer, actor: 'stripe' }, context);
  return { status: 'completed' };
}
