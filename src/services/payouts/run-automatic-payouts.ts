import { createHash } from 'node:crypto';
import { and, asc, eq, gt, gte, sql, type SQL } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creators, payments, payouts } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import { creatorNetShare } from '../../domain/payments/refund-split.js';
import { effectivePayoutMode } from '../../domain/payouts/payout-mode.js';
import { balance, creatorAccount } from '../../ledger/index.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import type { Actor, ServiceContext } from '../context.js';
import { createPayout } from './create-payout.js';
import { AUTOMATIC_TRANSFERS_FAILED_SUMMARY } from './payout-lifecycle.js';
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
  /** Automatic payouts failed for good that this run reported to the admins (`alertAutomaticTransfersFailed`). */
  alertedPayoutIds: string[];
}

/**
 * Seed 004's automatic transfers (job `automatic-payouts`, hourly; docs/payout-modes.md). For
 * every READY payment of a creator in automatic mode — not on an admin hold
 * (`disputeRequested`), not a destination charge (`transferredAtSource`), not yet covered by a
 * payout — a payout of its own is made (origin `automatic`, PENDING), then every PENDING
 * automatic payout goes through the transfer saga. Failed transfers are retried by the
 * `retry-payouts` sweep (5, 10, 20 min); when retries are exhausted the payout fails, the money
 * is available again and the admins get one `alert.automatic_transfers_failed` per sweep listing
 * the automatic payouts that gave up (`alertAutomaticTransfersFailed`, which this run calls too) —
 * and the payment is not transferred automatically again (seed 004: "transfer fails 3x → admin
 * alert, manual intervention"); the creator can request it, like any available money.
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
  const result: AutomaticPayoutsResult = { enabled, created: 0, createdPayoutIds: [], skipped: [], alertedPayoutIds: [], ...emptyPendingPayoutsRun() };

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
  const alertedPayoutIds = await alertAutomaticTransfersFailed(db, context);
  return { ...result, ...processed, alertedPayoutIds };
}

/**
 * How far back `alertAutomaticTransfersFailed` looks. Far more than the minute between two
 * retry sweeps, so a summary a crash prevented is sent by a later run; bounded, so the look-up
 * reads the recent failures and summaries only.
 */
const SUMMARY_LOOKBACK_MS = 7 * 86_400_000;

export interface AutomaticTransferFailure {
  payoutId: string;
  creatorId: string;
  /** Minor units, as a string (like every outbox amount). */
  amount: string;
  currency: string;
  failedAttempts: number;
  code: string | null;
  reason: string | null;
}

/**
 * Seed 004's "transfer fails 3x → admin alert, manual intervention", one message per sweep:
 * queue `alert.automatic_transfers_failed` to the admins listing every automatic payout whose
 * retries were exhausted (`PAYOUT_MAX_RETRIES` + 1 failed attempts) and left to this summary —
 * those a sweep failed with `exhaustionSummarised`, marked by the `adminAlert` of their FAILED
 * audit event — and not listed in an earlier summary. Returns their ids (none: nothing queued).
 *
 * Run at the end of the sweeps that give automatic transfers up (`retryPayouts`,
 * `runAutomaticPayouts`), after each payout's failure has committed. It reads only committed
 * state, so a summary that a crash prevented goes out with the next run's; summaries are taken
 * one at a time (an advisory lock), so two instances never list a payout twice; and the dedupe
 * key is the hash of the payout ids listed. An automatic payout exhausted by a webhook (one
 * failure, not a sweep's) keeps its own `alert.payout_retries_exhausted` and is not listed here.
 */
export async function alertAutomaticTransfersFailed(db: Db, context: Pick<ServiceContext, 'clock'>): Promise<string[]> {
  const now = context.clock.now();
  const since = new Date(now.getTime() - SUMMARY_LOOKBACK_MS);
  const unreported = (executor: DbExecutor) =>
    executor
      .select({
        payoutId: payouts.id,
        creatorId: payouts.creatorId,
        amount: payouts.amount,
        currency: payouts.currency,
        failedAttempts: payouts.failedAttempts,
        code: payouts.lastErrorCode,
        reason: payouts.failureReason,
      })
      .from(payouts)
      .where(
        and(
          eq(payouts.status, 'FAILED'),
          eq(payouts.origin, 'automatic'),
          gte(payouts.failedAt, since),
          sql`exists (select 1 from audit_events a
                      where a.subject_type = 'payout' and a.subject_id = ${payouts.id} and a.action = 'payout.failed'
                        and a.metadata @> ${JSON.stringify({ adminAlert: AUTOMATIC_TRANSFERS_FAILED_SUMMARY })}::jsonb)`,
          sql`not exists (select 1 from outbox_messages m
                          where m.topic = 'alert.automatic_transfers_failed' and m.parent_id is null and m.created_at >= ${since.toISOString()}::timestamptz
                            and m.payload -> 'payouts' @> jsonb_build_array(jsonb_build_object('payoutId', ${payouts.id})))`,
        ),
      )
      .orderBy(asc(payouts.failedAt), asc(payouts.id));

  // Most runs have nothing to report: one read, no transaction.
  if ((await unreported(db)).length === 0) return [];
  return db.transaction(async (tx) => {
    // One summary at a time: a concurrent run waits here, then sees this one's message and skips its payouts.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('alert.automatic_transfers_failed'))`);
    const rows = await unreported(tx);
    if (rows.length === 0) return [];
    const failures: AutomaticTransferFailure[] = rows.map((r) => ({ ...r, amount: String(r.amount) }));
    const ids = failures.map((f) => f.payoutId).sort();
    // The listed payouts make the condition: a later summary lists others, so it is another alert.
    await raiseAlert(
      tx,
      topicAlert('alert.automatic_transfers_failed', {
        about: createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32),
        subject: `${failures.length} automatic transfer${failures.length === 1 ? '' : 's'} failed for good and need manual action`,
        payload: { count: failures.length, payouts: failures },
        at: now,
      }),
    );
    return failures.map((f) => f.payoutId);
  });
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
