import { eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payoutPayments, payouts } from '../../db/schema/index.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import type { PayoutOrigin } from '../../domain/payouts/payout-status.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { violatedUniqueConstraint } from '../users/unique-violation.js';
import { postPayoutStep } from './payout-ledger.js';
import { payableShareSql, syncPaymentStatuses } from './sync-payment-statuses.js';

export type Payout = typeof payouts.$inferSelect;

export interface CreatePayoutInput {
  creatorId: string;
  amount: bigint;
  currency: string;
  origin: PayoutOrigin;
  /** `PENDING_APPROVAL` when a limit rule flagged it, else `PENDING`. */
  status: 'PENDING' | 'PENDING_APPROVAL';
  actor: Actor;
  approvalReason?: string | null;
  flags?: string[];
  limitMetadata?: Record<string, unknown>;
  notes?: string | null;
  /** Cover only these payments (the automatic mode transfers one payment at a time). */
  paymentIds?: string[];
}

export interface CreatedPayout {
  payout: Payout;
  /** The payments covered and the part of each, oldest release first. */
  allocations: Array<{ paymentId: string; amount: bigint }>;
}

/**
 * Make a payout and reserve its money, in the caller's transaction: the creator's row is locked
 * (a creator's payouts are made one at a time), the ledger moves `available` → `reserved`
 * (refused with PAYOUT_INSUFFICIENT_BALANCE when the balance is short), and the payout covers
 * the creator's READY payments oldest first — splitting the last one when needed — skipping
 * payments an admin put on hold (`disputeRequested`). Writes the audit event; the caller adds
 * its own outbox message and checks (limits, Stripe account) before calling this.
 *
 * @throws AppError PAYOUT_REQUEST_ALREADY_OPEN (400) — another open request in this currency (seed 000).
 * @throws AppError PAYOUT_INSUFFICIENT_BALANCE (400) — more than the available balance.
 * @throws AppError PAYOUT_FUNDS_ON_HOLD (400) — part of the balance is on an admin hold.
 */
export async function createPayout(tx: DbExecutor, input: CreatePayoutInput, context: Pick<ServiceContext, 'clock'>): Promise<CreatedPayout> {
  if (input.amount <= 0n) throw new AppError('PAYOUT_INVALID_AMOUNT', 'A payout amount must be positive', { kind: 'invalid' });
  const now = context.clock.now();
  const [creator] = await tx.select({ id: creators.id }).from(creators).where(eq(creators.id, input.creatorId)).for('update');
  if (!creator) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found' });

  const id = newId('po');
  // A savepoint: the unique violation of a second open request must not poison the caller's transaction.
  let payout: Payout;
  try {
    payout = await tx.transaction(async (savepoint) => {
      const [row] = await savepoint
        .insert(payouts)
        .values({
          id,
          creatorId: input.creatorId,
          amount: input.amount,
          currency: input.currency,
          status: input.status,
          origin: input.origin,
          approvalReason: input.approvalReason ?? null,
          flags: input.flags ?? [],
          limitMetadata: input.limitMetadata ?? {},
          notes: input.notes ?? null,
          requestedBy: input.actor,
          requestedAt: now,
          updatedAt: now,
        })
        .returning();
      return row!;
    });
  } catch (error) {
    if (violatedUniqueConstraint(error) === 'payouts_one_open_request') {
      throw new AppError('PAYOUT_REQUEST_ALREADY_OPEN', `You already have a payout request in ${input.currency.toUpperCase()} that is not finished`, { kind: 'invalid' });
    }
    throw error;
  }

  try {
    await tx.transaction((savepoint) => postPayoutStep(savepoint, payout, 'reserve', now));
  } catch (error) {
    if (isAppError(error) && error.code === 'LEDGER_INSUFFICIENT_BALANCE') {
      throw new AppError('PAYOUT_INSUFFICIENT_BALANCE', 'The amount is more than your available balance', { kind: 'invalid', details: { amount: String(input.amount) } });
    }
    throw error;
  }

  const allocations = await allocatePayments(tx, payout, input.paymentIds);
  await syncPaymentStatuses(tx, allocations.map((a) => a.paymentId), now);
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'payout.created',
    subjectType: 'payout',
    subjectId: payout.id,
    fromStatus: null,
    toStatus: payout.status,
    amount: payout.amount,
    currency: payout.currency,
    reason: input.approvalReason ?? null,
    metadata: { origin: input.origin, flags: input.flags ?? [], payments: allocations.map((a) => ({ paymentId: a.paymentId, amount: String(a.amount) })) },
    at: now,
  });
  return { payout, allocations };
}

/** Cover the payout with READY payments, oldest release first, the last one split if needed. */
async function allocatePayments(tx: DbExecutor, payout: Payout, onlyPaymentIds: string[] | undefined): Promise<CreatedPayout['allocations']> {
  const { rows } = await tx.execute<{ id: string; remaining: bigint | string }>(sql`
    select id, ${payableShareSql('payments')} - allocated_amount as remaining from payments
    where creator_id = ${payout.creatorId} and currency = ${payout.currency} and status = 'READY'
      and not dispute_requested and ${payableShareSql('payments')} > allocated_amount
      ${onlyPaymentIds ? sql`and id in (select jsonb_array_elements_text(${JSON.stringify(onlyPaymentIds)}::jsonb))` : sql``}
    order by payout_release_date, id
    for update`);
  const allocations: CreatedPayout['allocations'] = [];
  let left = payout.amount;
  for (const row of rows) {
    if (left === 0n) break;
    const remaining = BigInt(row.remaining);
    const part = remaining < left ? remaining : left;
    allocations.push({ paymentId: row.id, amount: part });
    left -= part;
  }
  if (left > 0n) {
    throw new AppError('PAYOUT_FUNDS_ON_HOLD', 'Part of your available balance is on hold for review and cannot be paid out yet', {
      kind: 'invalid',
      details: { uncovered: String(left) },
    });
  }
  if (allocations.length > 0) {
    await tx.insert(payoutPayments).values(allocations.map((a) => ({ payoutId: payout.id, paymentId: a.paymentId, amount: a.amount, currency: payout.currency })));
  }
  return allocations;
}
