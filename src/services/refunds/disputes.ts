import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { paymentDisputes, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { currencyExponent, formatMoney } from '../../domain/money/index.js';
import { creatorNetShare, splitReturned } from '../../domain/payments/refund-split.js';
import { balance, creatorAccount, platformAccount, post, type LedgerPostingInput } from '../../ledger/index.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import { resolveAlertsByFingerprint } from '../alerts/resolve-cleared-alerts.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payment } from '../payments/record-payment.js';
import { creatorRecipient } from '../payouts/payout-lifecycle.js';
import { syncPaymentStatuses } from '../payouts/sync-payment-statuses.js';
import { creatorPartDebits, lockPaymentWithCreator, min, sourceCreatorPart } from './creator-money.js';

export type PaymentDispute = typeof paymentDisputes.$inferSelect;
export type DisputeFeePayer = 'platform' | 'creator';

export interface StripeDisputeFacts {
  id: string;
  amount: bigint;
  currency: string;
  reason?: string | null | undefined;
}

export type OpenDisputeResult =
  | { outcome: 'opened' | 'duplicate'; dispute: PaymentDispute; payment: Payment }
  /** Nothing of the payment is left to dispute (refunded in full): recorded nowhere. */
  | { outcome: 'nothing_disputed'; payment: Payment };

/**
 * `charge.dispute.created` (docs/refunds-and-disputes.md): freeze the creator part of the
 * disputed amount — from `held` (while the payment is HELD), then `available`, then
 * `receivable` for what was already reserved, in flight or paid (the creator owes it while the
 * dispute is open) — into `frozen` (ledger `dispute:<id>:frozen`); the payment becomes DISPUTED
 * (out of release, automatic transfer and allocation, which all take only HELD / READY
 * payments); admins get `alert.dispute_created`, the creator `payment.disputed`. Once per dispute id.
 */
export async function openDispute(
  tx: DbExecutor,
  input: { paymentId: string; dispute: StripeDisputeFacts; actor: Actor },
  context: Pick<ServiceContext, 'clock'>,
): Promise<OpenDisputeResult> {
  const payment = await lockPaymentWithCreator(tx, input.paymentId);
  const [existing] = await tx.select().from(paymentDisputes).where(eq(paymentDisputes.id, input.dispute.id));
  if (existing) return { outcome: 'duplicate', dispute: existing, payment };
  if (input.dispute.currency.toLowerCase() !== payment.currency) {
    throw new AppError('DISPUTE_CURRENCY_MISMATCH', `Dispute ${input.dispute.id} is in ${input.dispute.currency}, payment ${payment.id} in ${payment.currency}`, { kind: 'unprocessable' });
  }
  if (payment.status === 'DISPUTED') {
    throw new AppError('PAYMENT_ALREADY_DISPUTED', `Payment ${payment.id} already has an open dispute`, { kind: 'conflict', details: { paymentId: payment.id } });
  }
  const amount = min(input.dispute.amount, payment.amount - payment.refundedAmount);
  if (amount <= 0n || payment.status === 'REFUNDED') return { outcome: 'nothing_disputed', payment };

  const now = context.clock.now();
  const { currency, creatorId } = payment;
  const { creatorPart, feePart } = splitReturned(payment, payment.refundedAmount, amount);
  const sources = await sourceCreatorPart(tx, payment, creatorPart);
  if (creatorPart > 0n) {
    await post(tx, {
      key: `dispute:${input.dispute.id}:frozen`,
      kind: 'payment.dispute_frozen',
      effectiveAt: now,
      description: `Dispute ${input.dispute.id} of payment ${payment.externalId}`,
      metadata: { paymentId: payment.id, disputeId: input.dispute.id },
      postings: [...creatorPartDebits(payment, sources), { account: creatorAccount(creatorId, 'frozen', currency), credit: creatorPart }],
    });
  }
  const [dispute] = await tx
    .insert(paymentDisputes)
    .values({
      id: input.dispute.id,
      paymentId: payment.id,
      amount,
      currency,
      creatorPart,
      feePart,
      fromHeld: sources.fromHeld,
      fromAvailable: sources.fromAvailable,
      fromReceivable: sources.fromReceivable,
      previousStatus: payment.status,
      status: 'open',
      reason: input.dispute.reason ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const [updated] = await tx.update(payments).set({ status: 'DISPUTED', updatedAt: now }).where(eq(payments.id, payment.id)).returning();
  const details = {
    disputeId: input.dispute.id,
    reason: input.dispute.reason ?? null,
    creatorPart: creatorPart.toString(),
    feePart: feePart.toString(),
    fromHeld: sources.fromHeld.toString(),
    fromAvailable: sources.fromAvailable.toString(),
    fromReceivable: sources.fromReceivable.toString(),
  };
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'payment.disputed',
    subjectType: 'payment',
    subjectId: payment.id,
    fromStatus: payment.status,
    toStatus: 'DISPUTED',
    amount,
    currency,
    reason: input.dispute.reason ?? null,
    metadata: details,
    at: now,
  });
  await raiseAlert(
    tx,
    topicAlert('alert.dispute_created', {
      about: input.dispute.id,
      subject: `Dispute ${input.dispute.id} opened on payment ${payment.id} (${formatMoney({ amountMinor: amount, currency })})`,
      payload: { severity: 'critical', paymentId: payment.id, creatorId, amount: amount.toString(), currency, previousStatus: payment.status, ...details },
      at: now,
    }),
  );
  await enqueueMessage(tx, {
    topic: 'payment.disputed',
    recipient: await creatorRecipient(tx, creatorId),
    payload: { paymentId: payment.id, bookingId: payment.bookingId, amount: amount.toString(), currency, frozen: creatorPart.toString(), disputeId: input.dispute.id, reason: input.dispute.reason ?? null },
    dedupeKey: `payment.disputed:${input.dispute.id}`,
    at: now,
  });
  return { outcome: 'opened', dispute: dispute!, payment: updated! };
}

export interface CloseDisputeInput {
  disputeId: string;
  outcome: 'won' | 'lost';
  /** Stripe's dispute fee (its balance transactions), in the payment's currency; default 15.00 of it. */
  disputeFee?: bigint | null | undefined;
  feePayer: DisputeFeePayer;
  actor: Actor;
}

/** Stripe's dispute fee when the dispute does not say: 15.00 in the payment's currency. */
export function defaultDisputeFee(currency: string): bigint {
  return 15n * 10n ** BigInt(currencyExponent(currency));
}

/**
 * `charge.dispute.closed` (docs/refunds-and-disputes.md). Once per dispute.
 *
 * - **won**: the frozen money goes back — to `held` while the payment's hold lasts (the payment
 *   HELD again), else to `available` (READY, or PROCESSING / PAID again when payouts cover it);
 *   the part that came from `receivable` cancels that debt (whatever of it has been recovered
 *   meanwhile goes to `available`).
 * - **lost**: the disputed amount leaves the Stripe balance (`dispute_losses` / `stripe_balance`)
 *   and is written off against the frozen creator part and the fee part (`fees`); the dispute fee
 *   leaves the Stripe balance too and is borne by the platform (`dispute_losses`) or added to the
 *   creator's debt (`receivable`), as DISPUTE_FEE_PAYER says. The payment's `refunded_amount`
 *   grows by the amount (money returned to the customer) and it becomes CANCELLED when nothing
 *   is left of it.
 */
export async function closeDispute(tx: DbExecutor, input: CloseDisputeInput, context: Pick<ServiceContext, 'clock'>): Promise<{ outcome: 'closed' | 'duplicate'; dispute: PaymentDispute; payment: Payment }> {
  const [found] = await tx.select().from(paymentDisputes).where(eq(paymentDisputes.id, input.disputeId));
  if (!found) throw new AppError('DISPUTE_NOT_FOUND', `No dispute ${input.disputeId} is recorded`, { kind: 'not_found' });
  const payment = await lockPaymentWithCreator(tx, found.paymentId);
  const [dispute] = await tx.select().from(paymentDisputes).where(eq(paymentDisputes.id, input.disputeId)).for('update');
  if (!dispute || dispute.status !== 'open') return { outcome: 'duplicate', dispute: dispute ?? found, payment };

  const now = context.clock.now();
  const { creatorId, currency } = payment;
  const account = (kind: 'held' | 'available' | 'frozen' | 'receivable') => creatorAccount(creatorId, kind, currency);
  const description = `Dispute ${dispute.id} of payment ${payment.externalId} ${input.outcome}`;
  const metadata = { paymentId: payment.id, disputeId: dispute.id };
  const holdLasts = dispute.previousStatus === 'HELD' && now < payment.payoutReleaseDate;
  const refunded = input.outcome === 'lost' ? payment.refundedAmount + dispute.amount : payment.refundedAmount;
  // A payment that was HELD and whose hold has ended comes back released: what of its share
  // stayed in `held` (an undisputed rest) goes to `available` with it.
  const releasing = dispute.previousStatus === 'HELD' && !holdLasts && refunded < payment.amount;
  const heldRest = releasing ? creatorNetShare(payment, refunded) - (input.outcome === 'won' ? dispute.creatorPart : 0n) : 0n;
  let fee: bigint | null = null;

  if (input.outcome === 'won') {
    const debt = dispute.fromReceivable > 0n ? await balance(tx, account('receivable')) : 0n;
    const cancelsDebt = min(dispute.fromReceivable, debt > 0n ? debt : 0n);
    const back = dispute.fromHeld + dispute.fromAvailable + (dispute.fromReceivable - cancelsDebt);
    const postings: LedgerPostingInput[] = [
      { account: account('frozen'), debit: dispute.creatorPart },
      ...(back > 0n ? [{ account: holdLasts ? account('held') : account('available'), credit: back }] : []),
      ...(cancelsDebt > 0n ? [{ account: account('receivable'), credit: cancelsDebt }] : []),
    ];
    if (dispute.creatorPart > 0n) await post(tx, { key: `dispute:${dispute.id}:won`, kind: 'payment.dispute_won', effectiveAt: now, description, metadata, postings });
  } else {
    fee = input.disputeFee ?? defaultDisputeFee(currency);
    const losses = platformAccount('dispute_losses', currency);
    const cash = platformAccount('stripe_balance', currency);
    await post(tx, { key: `dispute:${dispute.id}:lost`, kind: 'payment.dispute_lost', effectiveAt: now, description, metadata, postings: [{ account: losses, debit: dispute.amount }, { account: cash, credit: dispute.amount }] });
    await post(tx, {
      key: `dispute:${dispute.id}:lost:recovered`,
      kind: 'payment.dispute_loss_recovered',
      effectiveAt: now,
      description,
      metadata,
      postings: [
        ...(dispute.creatorPart > 0n ? [{ account: account('frozen'), debit: dispute.creatorPart }] : []),
        ...(dispute.feePart > 0n ? [{ account: platformAccount('fees', currency), debit: dispute.feePart }] : []),
        { account: losses, credit: dispute.amount },
      ],
    });
    if (fee > 0n) {
      await post(tx, { key: `dispute:${dispute.id}:fee`, kind: 'payment.dispute_fee', effectiveAt: now, description: `Dispute fee of ${dispute.id}`, metadata, postings: [{ account: losses, debit: fee }, { account: cash, credit: fee }] });
      if (input.feePayer === 'creator') {
        await post(tx, {
          key: `dispute:${dispute.id}:fee:recovered`,
          kind: 'payment.dispute_fee_charged',
          effectiveAt: now,
          description: `Dispute fee of ${dispute.id}, charged to the creator`,
          metadata,
          postings: [{ account: account('receivable'), debit: fee }, { account: losses, credit: fee }],
        });
      }
    }
  }
  if (heldRest > 0n) {
    await post(tx, {
      key: `dispute:${dispute.id}:released`,
      kind: 'payment.released',
      effectiveAt: now,
      description: `Release of payment ${payment.externalId} after dispute ${dispute.id}`,
      metadata,
      postings: [{ account: account('held'), debit: heldRest }, { account: account('available'), credit: heldRest }],
    });
  }

  const status: Payment['status'] =
    refunded >= payment.amount ? 'CANCELLED' : holdLasts ? 'HELD' : payment.transferredAtSource ? 'PAID' : 'READY';
  const [updated] = await tx
    .update(payments)
    .set({ status, refundedAmount: refunded, ...(status === 'READY' && !payment.releasedAt && { releasedAt: now }), updatedAt: now })
    .where(eq(payments.id, payment.id))
    .returning();
  // READY, PROCESSING or PAID again according to the payouts that still cover it.
  if (status === 'READY') await syncPaymentStatuses(tx, [payment.id], now);
  const [closed] = await tx
    .update(paymentDisputes)
    .set({ status: input.outcome, closedAt: now, updatedAt: now, ...(fee !== null && { disputeFee: fee, feePayer: input.feePayer }) })
    .where(eq(paymentDisputes.id, dispute.id))
    .returning();
  const [current] = status === 'READY' ? await tx.select().from(payments).where(eq(payments.id, payment.id)) : [updated];
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: input.outcome === 'won' ? 'payment.dispute_won' : 'payment.dispute_lost',
    subjectType: 'payment',
    subjectId: payment.id,
    fromStatus: 'DISPUTED',
    toStatus: current!.status,
    amount: dispute.amount,
    currency,
    metadata: { disputeId: dispute.id, creatorPart: dispute.creatorPart.toString(), ...(fee !== null && { disputeFee: fee.toString(), feePayer: input.feePayer }) },
    at: now,
  });
  await enqueueMessage(tx, {
    topic: 'payment.dispute_closed',
    recipient: await creatorRecipient(tx, creatorId),
    payload: {
      paymentId: payment.id,
      disputeId: dispute.id,
      outcome: input.outcome,
      amount: dispute.amount.toString(),
      currency,
      creatorPart: dispute.creatorPart.toString(),
      ...(fee !== null && input.feePayer === 'creator' && { feeCharged: fee.toString() }),
    },
    dedupeKey: `payment.dispute_closed:${dispute.id}`,
    at: now,
  });
  // The dispute is no longer open: its alert has done its job (a lost one raises its own below).
  await resolveAlertsByFingerprint(tx, { fingerprints: [`dispute_created:${dispute.id}`], note: `Cleared: the dispute was ${input.outcome}`, at: now });
  if (input.outcome === 'lost') {
    await raiseAlert(
      tx,
      topicAlert('alert.dispute_lost', {
        about: dispute.id,
        subject: `Dispute ${dispute.id} lost on payment ${payment.id} (${formatMoney({ amountMinor: dispute.amount, currency })})`,
        payload: { paymentId: payment.id, creatorId, disputeId: dispute.id, amount: dispute.amount.toString(), currency, disputeFee: fee?.toString() ?? null, feePayer: input.feePayer },
        at: now,
      }),
    );
  }
  return { outcome: 'closed', dispute: closed!, payment: current! };
}
