import { and, count, desc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creatorClawbacks, creators, payouts } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { balance, creatorAccount, platformAccount, post } from '../../ledger/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
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
 * `transfers` — audit `creator.clawback` and the creator's `creator.debt_recovered` message.
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
  const reversal = await context.stripe.reverseTransfer({ payoutId: payout.id, transferId: payout.stripeTransferId, amount, reason: `clawback-${n + 1}` });
  const reversed = BigInt(reversal.amount);

  return db.transaction(async (tx) => {
    await tx.select({ id: creators.id }).from(creators).where(eq(creators.id, input.creatorId)).for('update');
    const now = context.clock.now();
    const [row] = await tx
      .insert(creatorClawbacks)
      .values({ id: `cb_${reversal.id}`, creatorId: input.creatorId, payoutId: payout.id, stripeTransferId: payout.stripeTransferId!, stripeReversalId: reversal.id, amount: reversed, currency, reason: input.reason, requestedBy: input.actor, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      const [existing] = await tx.select().from(creatorClawbacks).where(eq(creatorClawbacks.stripeReversalId, reversal.id));
      return { clawback: existing!, duplicate: true, debtLeft: await balance(tx, receivable) };
    }
    const owed = await balance(tx, receivable);
    const repays = min(reversed, owed > 0n ? owed : 0n);
    await post(tx, {
      key: `clawback:${reversal.id}`,
      kind: 'creator.clawback',
      effectiveAt: now,
      description: `Clawback: reversal ${reversal.id} of transfer ${payout.stripeTransferId} (payout ${payout.id})`,
      metadata: { creatorId: input.creatorId, payoutId: payout.id, reversalId: reversal.id },
      postings: [
        { account: platformAccount('stripe_balance', currency), debit: reversed },
        ...(repays > 0n ? [{ account: receivable, credit: repays }] : []),
        ...(reversed > repays ? [{ account: creatorAccount(input.creatorId, 'available', currency), credit: reversed - repays }] : []),
        { account: creatorAccount(input.creatorId, 'paid', currency), debit: reversed },
        { account: platformAccount('transfers', currency), credit: reversed },
      ],
    });
    const debtLeft = owed - repays;
    await recordAuditEvent(tx, {
      actor: input.actor,
      action: 'creator.clawback',
      subjectType: 'creator',
      subjectId: input.creatorId,
      amount: reversed,
      currency,
      reason: input.reason,
      metadata: { payoutId: payout.id, transferId: payout.stripeTransferId, reversalId: reversal.id, debtLeft: debtLeft.toString() },
      at: now,
    });
    await enqueueMessage(tx, {
      topic: 'creator.debt_recovered',
      recipient: await creatorRecipient(tx, input.creatorId),
      payload: { creatorId: input.creatorId, amount: reversed.toString(), currency, via: 'transfer_reversal', payoutId: payout.id, debtLeft: debtLeft.toString(), reason: input.reason },
      dedupeKey: `creator.debt_recovered:${reversal.id}`,
      at: now,
    });
    return { clawback: row, duplicate: false, debtLeft };
  });
}
