import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';
import { effectivePayoutMode } from '../../domain/payouts/payout-mode.js';
import { balance, creatorAccount } from '../../ledger/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { createPayout } from './create-payout.js';
import { emptyPendingPayoutsRun, processPendingPayouts, type PendingPayoutsRun } from './process-pending-payouts.js';

export const AUTOMATIC_PAYOUTS_ACTOR: Actor = 'system:automatic-payouts';

export interface RunAutomaticPayoutsOptions {
  /** Who the payouts are made and processed by (audit); default `system:automatic-payouts`. */
  actor?: Actor;
  /** Payments claimed in one run (default 500); the rest wait for the next run. */
  limit?: number;
}

export type AutomaticSkipReason = 'not_automatic' | 'not_connected' | 'not_ready' | 'automatic_transfer_failed' | 'already_covered' | 'no_available_balance' | string;

export interface AutomaticPayoutsResult extends PendingPayoutsRun {
  /** Whether any creator is in automatic mode (else no payment was looked at). */
  enabled: boolean;
  /** Payouts made in this run, one per payment. */
  created: number;
  createdPayoutIds: string[];
  /** Candidates that another instance took first or that changed meanwhile, with why. */
  skipped: Array<{ paymentId: string; reason: AutomaticSkipReason }>;
}

/**
 * Seed 004's automatic transfers (job `automatic-payouts`, hourly; docs/payout-modes.md). For
 * every READY payment of a creator in automatic mode — not on an admin hold
 * (`disputeRequested`), not a destination charge (`transferredAtSource`), not yet covered by a
 * payout — a payout of its own is made (origin `automatic`, PENDING), then every PENDING
 * automatic payout goes through the transfer saga. Failed transfers are retried by the
 * `retry-payouts` sweep (5, 10, 20 min); when retries are exhausted the payout fails, the money
 * is available again and the admins get `alert.payout_retries_exhausted` — and the payment is not
 * transferred automatically again (seed 004: "transfer fails 3x → admin alert, manual
 * intervention"); the creator can request it, like any available money.
 *
 * One transaction per payment, which locks the creator row first (the order `createPayout` and
 * the refund paths use) and then re-checks the payment under lock: two instances running at
 * once queue on the creator, and the second finds the payment covered — one payout per payment.
 * A crash after the payout's commit leaves it PENDING, and the next run processes it.
 *
 * The amount is the payment's outstanding share, net of refunds, capped by the creator's
 * available balance (a clawback may have taken part of it).
 */
export async function runAutomaticPayouts(db: Db, context: ServiceContext, options: RunAutomaticPayoutsOptions = {}): Promise<AutomaticPayoutsResult> {
  const actor = options.actor ?? AUTOMATIC_PAYOUTS_ACTOR;
  const enabled = context.config.payoutMode === 'automatic' || (await db.select({ id: creators.id }).from(creators).where(eq(creators.payoutMode, 'automatic')).limit(1)).length > 0;
  const result: AutomaticPayoutsResult = { enabled, created: 0, createdPayoutIds: [], skipped: [], ...emptyPendingPayoutsRun() };

  if (enabled) {
    const candidates = await db
      .select({ id: payments.id, creatorId: payments.creatorId })
      .from(payments)
      .innerJoin(creators, eq(creators.id, payments.creatorId))
      .where(
        and(
          eq(payments.status, 'READY'),
          eq(payments.disputeRequested, false),
          eq(payments.transferredAtSource, false),
          gt(payments.creatorAmount, payments.allocatedAmount),
          sql`coalesce(${creators.payoutMode}, ${context.config.payoutMode}) = 'automatic'`,
          sql`${creators.stripeAccountId} is not null`,
          eq(creators.payoutsEnabled, true),
          sql`not ${automaticTransferFailed(sql`${payments.id}`)}`,
        ),
      )
      .orderBy(asc(payments.payoutReleaseDate), asc(payments.id))
      .limit(options.limit ?? 500);

    for (const candidate of candidates) {
      const claim = await claimPayment(db, candidate, actor, context);
      if ('payoutId' in claim) {
        result.created += 1;
        result.createdPayoutIds.push(claim.payoutId);
      } else {
        result.skipped.push({ paymentId: candidate.id, reason: claim.reason });
      }
    }
  }

  const processed = await processPendingPayouts(db, { origin: 'automatic', actor, limit: Math.max(options.limit ?? 500, result.created) }, context);
  return { ...result, ...processed };
}

/**
 * Whether an automatic payout of the payment failed for good (retries exhausted, or a final
 * failure): the payment is then left to people — the admins were alerted, and the money is in
 * the creator's available balance for a request — rather than transferred again every hour.
 */
function automaticTransferFailed(paymentId: SQL): SQL {
  return sql`exists (select 1 from payout_payments pp join payouts po on po.id = pp.payout_id
                     where pp.payment_id = ${paymentId} and po.origin = 'automatic' and po.status = 'FAILED')`;
}

/** One payment's payout, in its own transaction; or why there is none. */
async function claimPayment(
  db: Db,
  candidate: { id: string; creatorId: string },
  actor: Actor,
  context: ServiceContext,
): Promise<{ payoutId: string } | { reason: AutomaticSkipReason }> {
  try {
    return await db.transaction(async (tx) => {
      // Creator first, then the payment: the lock order of createPayout and the refund paths.
      const [creator] = await tx.select().from(creators).where(eq(creators.id, candidate.creatorId)).for('update');
      if (!creator || effectivePayoutMode(creator, context.config) !== 'automatic') return { reason: 'not_automatic' };
      if (!creator.stripeAccountId || !creator.payoutsEnabled) return { reason: 'not_connected' };
      const [payment] = await tx.select().from(payments).where(eq(payments.id, candidate.id)).for('update');
      if (!payment || payment.status !== 'READY' || payment.disputeRequested || payment.transferredAtSource) return { reason: 'not_ready' };
      const [failedBefore] = (await tx.execute<{ failed: boolean }>(sql`select ${automaticTransferFailed(sql`${payment.id}`)} as failed`)).rows;
      if (failedBefore?.failed) return { reason: 'automatic_transfer_failed' };
      const outstanding = creatorNetShare(payment, payment.refundedAmount) - payment.allocatedAmount;
      if (outstanding <= 0n) return { reason: 'already_covered' };
      const available = await balance(tx, creatorAccount(creator.id, 'available', payment.currency));
      const amount = outstanding < available ? outstanding : available;
      if (amount <= 0n) return { reason: 'no_available_balance' };
      const { payout } = await createPayout(
        tx,
        {
          creatorId: creator.id,
          amount,
          currency: payment.currency,
          origin: 'automatic',
          status: 'PENDING',
          actor,
          paymentIds: [payment.id],
          notes: `Automatic transfer of payment ${payment.id} after its hold`,
        },
        context,
      );
      return { payoutId: payout.id };
    });
  } catch (error) {
    // A refusal of createPayout (e.g. PAYOUT_FUNDS_ON_HOLD): nothing was written; the payment waits for the next run.
    if (isAppError(error) && error.kind !== 'internal') return { reason: error.code };
    throw error;
  }
}
