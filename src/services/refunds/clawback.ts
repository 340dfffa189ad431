import { and, count, desc, eq, isNotNull } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creatorClawbacks, creators, payouts } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { balance, creatorAccount, platformAccount, post } from '../../ledger/index.js';
import { crashPoint } from '../../providers/crash-points/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import type { Payout } from '../payouts/create-payout.js';
import { creatorRecipient } from '../payouts/payout-lifecycle.js';
import { min } from './creator-money.js';

export type CreatorClawback = typeof creatorClawbacks.$inferSelect;

export interface ClawbackInput {
  creatorId: string;
  /** Minor units; default: the whole debt (at most what the transfer has left). */
  amount?: bigint | undefined;
  reason: string;
  actor: Actor;
}

/**
 * An admin recovers a creator's debt (`receivable`) by reversing (part of) the transfer of the
 * creator's latest PAID payout (`POST /api/admin/creators/:id/clawback`,
 * docs/refunds-and-disputes.md). Stripe first, outside any transaction, with the idempotency key
 * `payouts:transfer-reversal:<payoutId>:clawback-<n>` (n: this payout's clawbacks so far + 1, so
 * a repeat after a crash gets the same reversal back); then one transaction: the
 * `creator_clawbacks` row (unique per reversal id), ledger `clawback:<reversalId>` — debit
 * `stripe_balance` (the money is back), credit `receivable` (the debt shrinks; anything the
 * creator repaid meanwhile goes to `available`), memo debit the creator's `paid`, credit
 * `transfers` — audit `creator.clawback` and the creator's `creator.debt_recovered` message
 * (`bookClawback`, which Stripe's `transfer.reversed` also calls: a request killed after Stripe
 * answered is booked by the event, and a repeat then finds no debt left to recover).
 *
 * @throws AppError CREATOR_NOT_FOUND (404), CLAWBACK_NO_TRANSFER (409), CLAWBACK_NO_DEBT (409),
 *   CLAWBACK_AMOUNT_INVALID (400), STRIPE_* (Stripe refused the reversal)
 */
export async function clawbackByTransferReversal(db: Db, input: ClawbackInput, context: ServiceContext): Promise<{ clawback: CreatorClawback; duplicate: boolean; debtLeft: bigint }> {
  const [creator] = await db.select({ id: creators.id }).from(creators).where(eq(creators.id, input.creatorId));
  if (!creator) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found' });
  const [payout] = await db
    .select()
    .from(payouts)
    .where(and(eq(payouts.creatorId, input.creatorId), eq(payouts.status, 'PAID'), isNotNull(payouts.stripeTransferId)))
    .orderBy(desc(payouts.transferredAt), desc(payouts.requestedAt))
    .limit(1);
  if (!payout?.stripeTransferId) throw new AppError('CLAWBACK_NO_TRANSFER', `Creator ${input.creatorId} has no paid payout whose transfer could be reversed`, { kind: 'conflict' });
  const { currency } = payout;
  const receivable = creatorAccount(input.creatorId, 'receivable', currency);
  const debt = await balance(db, receivable);
  if (debt <= 0n) throw new AppError('CLAWBACK_NO_DEBT', `Creator ${input.creatorId} owes nothing in ${currency}`, { kind: 'conflict' });
  const earlier = await db.select().from(creatorClawbacks).where(eq(creatorClawbacks.payoutId, payout.id));
  const reversible = payout.amount - earlier.reduce((sum, c) => sum + c.amount, 0n);
  const amount = input.amount ?? min(debt, reversible);
  if (amount <= 0n || amount > debt || amount > reversible) {
    throw new AppError('CLAWBACK_AMOUNT_INVALID', `A clawback is at most the debt (${debt}) and what is left of transfer ${payout.stripeTransferId} (${reversible})`, {
      kind: 'invalid',
      details: { param: 'amount', debt: String(debt), reversible: String(reversible) },
    });
  }
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(creatorClawbacks).where(eq(creatorClawbacks.payoutId, payout.id));
  crashPoint('clawback.requested');
  const reversal = await context.stripe.reverseTransfer({ payoutId: payout.id, transferId: payout.stripeTransferId, amount, reason: `clawback-${n + 1}` });
  crashPoint('clawback.reversal-made');
  return db.transaction((tx) => bookClawback(tx, { payout, reversal: { id: reversal.id, amount: BigInt(reversal.amount) }, reason: input.reason, actor: input.actor }, context.clock.now()));
}

/**
 * Book a transfer reversal made for a clawback (reason `clawback-<n>`), once per reversal id: the
 * `creator_clawbacks` row, ledger `clawback:<reversalId>`, audit `creator.clawback` and the
 * creator's `creator.debt_recovered` message. Called by the admin's request right after Stripe
 * answered, and by Stripe's `transfer.reversed` (`applyTransferReversal`) — so a request that
 * died between the two (crash point `clawback.reversal-made`) is booked all the same, the way
 * `charge.refunded` books an admin's refund. Whichever comes second gets `duplicate: true`.
 * Locks the payout row, then the creator's (the order of the `transfer.*` webhooks, which hold
 * the payout's lock already).
 */
export async function bookClawback(
  tx: DbExecutor,
  input: { payout: Payout; reversal: { id: string; amount: bigint }; reason: string; actor: Actor },
  now: Date,
): Promise<{ clawback: CreatorClawback; duplicate: boolean; debtLeft: bigint }> {
  const { payout, reversal } = input;
  const { creatorId, currency } = payout;
  const receivable = creatorAccount(creatorId, 'receivable', currency);
  await tx.select({ id: payouts.id }).from(payouts).where(eq(payouts.id, payout.id)).for('update');
  await tx.select({ id: creators.id }).from(creators).where(eq(creators.id, creatorId)).for('update');
  const [row] = await tx
    .insert(creatorClawbacks)
    .values({ id: `cb_${reversal.id}`, creatorId, payoutId: payout.id, stripeTransferId: payout.stripeTransferId!, stripeReversalId: reversal.id, amount: reversal.amount, currency, reason: input.reason, requestedBy: input.actor, createdAt: now })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    const [existing] = await tx.select().from(creatorClawbacks).where(eq(creatorClawbacks.stripeReversalId, reversal.id));
    return { clawback: existing!, duplicate: true, debtLeft: await balance(tx, receivable) };
  }
  const reversed = reversal.amount;
  const owed = await balance(tx, receivable);
  const repays = min(reversed, owed > 0n ? owed : 0n);
  await post(tx, {
    key: `clawback:${reversal.id}`,
    kind: 'creator.clawback',
    effectiveAt: now,
    description: `Clawback: reversal ${reversal.id} of transfer ${payout.stripeTransferId} (payout ${payout.id})`,
    metadata: { creatorId, payoutId: payout.id, reversalId: reversal.id },
    postings: [
      { account: platformAccount('stripe_balance', currency), debit: reversed },
      ...(repays > 0n ? [{ account: receivable, credit: repays }] : []),
      ...(reversed > repays ? [{ account: creatorAccount(creatorId, 'available', currency), credit: reversed - repays }] : []),
      { account: creatorAccount(creatorId, 'paid', currency), debit: reversed },
      { account: platformAccount('transfers', currency), credit: reversed },
    ],
  });
  const debtLeft = owed - repays;
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'creator.clawback',
    subjectType: 'creator',
    subjectId: creatorId,
    amount: reversed,
    currency,
    reason: input.reason,
    metadata: { payoutId: payout.id, transferId: payout.stripeTransferId, reversalId: reversal.id, debtLeft: debtLeft.toString() },
    at: now,
  });
  await enqueueMessage(tx, {
    topic: 'creator.debt_recovered',
    recipient: await creatorRecipient(tx, creatorId),
    payload: { creatorId, amount: reversed.toString(), currency, via: 'transfer_reversal', payoutId: payout.id, debtLeft: debtLeft.toString(), reason: input.reason },
    dedupeKey: `creator.debt_recovered:${reversal.id}`,
    at: now,
  });
  return { clawback: row, duplicate: false, debtLeft };
}
