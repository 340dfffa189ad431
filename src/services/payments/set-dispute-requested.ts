import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import type { Payment } from './record-payment.js';

/**
 * An admin's hold on one payment (seed 004 `disputeRequested`): while set, the payment is not
 * released, auto-transferred or allocated to a payout. Clearing it lets the next sweep proceed.
 */
export async function setDisputeRequested(
  tx: DbExecutor,
  input: { paymentId: string; disputeRequested: boolean; reason?: string | undefined; actor: Actor },
  context: Pick<ServiceContext, 'clock'>,
): Promise<Payment> {
  const [current] = await tx.select().from(payments).where(eq(payments.id, input.paymentId)).for('update');
  if (!current) throw new AppError('PAYMENT_NOT_FOUND', `No payment with id ${input.paymentId}`, { kind: 'not_found' });
  if (current.disputeRequested === input.disputeRequested) return current;
  const now = context.clock.now();
  const [updated] = await tx.update(payments).set({ disputeRequested: input.disputeRequested, updatedAt: now }).where(eq(payments.id, input.paymentId)).returning();
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: input.disputeRequested ? 'payment.dispute_requested' : 'payment.dispute_cleared',
    subjectType: 'payment',
    subjectId: current.id,
    fromStatus: current.status,
    toStatus: current.status,
    amount: current.creatorAmount,
    currency: current.currency,
    reason: input.reason ?? null,
    at: now,
  });
  return updated!;
}
