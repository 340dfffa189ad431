import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { formatMoney } from '../../domain/money/index.js';
import type { StripeGateway } from '../../providers/stripe/index.js';
import { payouts } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { raiseAlert, topicAlert } from '../alerts/raise-alert.js';
import type { Payout } from './create-payout.js';
import { completePayout, lockPayout } from './payout-lifecycle.js';
import { continuePayoutSaga, DEFAULT_PAYOUT_LEASE_SECONDS } from './process-payout.js';

export interface ReconcileStalePayoutsOptions {
  actor: string;
  limit?: number;
}

export type StaleDecision = 'paid' | 'transfer_recorded' | 'in_flight' | 'alerted';

export interface ReconcileStalePayoutsResult {
  checked: number;
  /** Completed from what Stripe says (the transfer, or the bank payout's `paid`). */
  completed: number;
  /** Stripe had the transfer we had not recorded: recorded now (the bank payout follows). */
  transferRecorded: number;
  /** Stripe says it is still on its way (a bank payout pending or in transit). */
  inFlight: number;
  /** Stripe's answer did not decide it: the payout's alert was raised (one alert, one notification, while it lasts). */
  alerted: number;
  errors: number;
  decisions: Array<{ payoutId: string; decision: StaleDecision; reason?: string }>;
}

/**
 * The stale-payout reconciliation (job `reconcile-payouts`, every 15 minutes; seed 003's "stuck in
 * PROCESSING > 1 hour"). A payout PROCESSING for longer than `config.payoutStaleMinutes` that
 * nobody is working on (no live lease, no retry scheduled) is checked against Stripe:
 *
 * | Stripe says | we do |
 * |---|---|
 * | a transfer exists that we did not record | record it (PAID, or the bank payout follows) |
 * | the bank payout is `paid` | PAID (as `payout.paid` would have) |
 * | the bank payout is `pending` / `in_transit` | nothing: still on its way |
 * | no transfer; the bank payout `failed`/`canceled`; no bank payout; Stripe unreachable | alert `payout_stale` (docs/alerts.md) |
 *
 * It never creates a transfer: making one is the retry sweep's job, with its attempt-numbered
 * idempotency key. A failed bank payout's reversal belongs to the `payout.failed` webhook.
 */
export async function reconcileStalePayouts(db: Db, context: ServiceContext, options: ReconcileStalePayoutsOptions): Promise<ReconcileStalePayoutsResult> {
  const now = context.clock.now();
  const staleBefore = new Date(now.getTime() - context.config.payoutStaleMinutes * 60_000);
  const leaseUntil = new Date(now.getTime() + DEFAULT_PAYOUT_LEASE_SECONDS * 1000);
  const due = sql`select id from ${payouts}
    where status = 'PROCESSING' and processing_started_at <= ${staleBefore.toISOString()}::timestamptz
      and next_retry_at is null and (lease_until is null or lease_until <= ${now.toISOString()}::timestamptz)
    order by processing_started_at, id
    limit ${options.limit ?? 100}
    for update skip locked`;
  const claimed = await db.update(payouts).set({ leaseUntil, updatedAt: now }).where(sql`${payouts.id} in (${due})`).returning();

  const result: ReconcileStalePayoutsResult = { checked: claimed.length, completed: 0, transferRecorded: 0, inFlight: 0, alerted: 0, errors: 0, decisions: [] };
  for (const payout of claimed) {
    try {
      const decision = await reconcileOne(db, payout, context, options.actor);
      result.decisions.push({ payoutId: payout.id, ...decision });
      if (decision.decision === 'paid') result.completed += 1;
      else if (decision.decision === 'transfer_recorded') result.transferRecorded += 1;
      else if (decision.decision === 'in_flight') result.inFlight += 1;
      else result.alerted += 1;
    } catch {
      result.errors += 1;
    } finally {
      // Hand it back: the lease only kept the retry sweep away while Stripe was asked.
      await db.execute(sql`update payouts set lease_until = null where id = ${payout.id} and status = 'PROCESSING' and lease_until = ${leaseUntil.toISOString()}::timestamptz`);
    }
  }
  return result;
}

type StripeTransfer = Awaited<ReturnType<StripeGateway['createTransfer']>>;
type StripeBankPayout = Awaited<ReturnType<StripeGateway['retrieveConnectedPayout']>>;

async function reconcileOne(db: Db, payout: Payout, context: ServiceContext, actor: string): Promise<{ decision: StaleDecision; reason?: string }> {
  if (payout.stripeTransferId === null) {
    let transfer: StripeTransfer | undefined;
    try {
      transfer = await context.stripe.findTransferForPayout(payout.id);
    } catch (error) {
      return alert(db, payout, context, `Stripe could not be asked for the transfer: ${(error as Error).message}`);
    }
    if (!transfer) return alert(db, payout, context, 'Stripe has no transfer for this payout; the retry sweep has not made one');
    // Record it, and make the bank payout where one is due (lookUpFirst: nothing is created twice).
    const outcome = await continuePayoutSaga(db, payout, context, { actor, lookUpFirst: true });
    return outcome.outcome === 'paid' ? { decision: 'paid' } : { decision: 'transfer_recorded' };
  }
  if (!payout.awaitsBankPayout) {
    // A transfer recorded on a payout that does not wait for a bank payout is PAID already; finish it.
    await db.transaction(async (tx) => completePayout(tx, await lockPayout(tx, payout.id), { actor, metadata: { reconciled: true } }, context.clock.now()));
    return { decision: 'paid' };
  }
  if (payout.stripeBankPayoutId === null) return alert(db, payout, context, 'The transfer was made but no bank payout was created on the connected account');
  let bankPayout: StripeBankPayout;
  try {
    bankPayout = await context.stripe.retrieveConnectedPayout({ accountId: payout.stripeAccountId!, bankPayoutId: payout.stripeBankPayoutId });
  } catch (error) {
    return alert(db, payout, context, `Stripe could not be asked for bank payout ${payout.stripeBankPayoutId}: ${(error as Error).message}`);
  }
  if (bankPayout.status === 'paid') {
    await db.transaction(async (tx) => {
      const locked = await lockPayout(tx, payout.id);
      if (locked.status === 'PROCESSING') await completePayout(tx, locked, { actor, metadata: { bankPayoutId: bankPayout.id, reconciled: true } }, context.clock.now());
    });
    return { decision: 'paid' };
  }
  if (bankPayout.status === 'pending' || bankPayout.status === 'in_transit') return { decision: 'in_flight', reason: `bank payout ${bankPayout.status}` };
  return alert(db, payout, context, `Bank payout ${bankPayout.id} is ${bankPayout.status}${bankPayout.failure_code ? ` (${bankPayout.failure_code})` : ''}; its payout.failed event has not been applied`);
}

/**
 * The payout's `payout_stale` alert — the same condition the payout monitor raises for a payout
 * with no transfer, so both make one alert. It stays open while the payout is PROCESSING (the
 * monitor resolves it after), and notifies once however many runs find it.
 */
async function alert(db: Db, payout: Payout, context: ServiceContext, reason: string): Promise<{ decision: 'alerted'; reason: string }> {
  const now = context.clock.now();
  await db.transaction((tx) =>
    raiseAlert(
      tx,
      topicAlert('alert.payout_stale', {
        about: payout.id,
        subject: `Payout ${payout.id} (${formatMoney({ amountMinor: payout.amount, currency: payout.currency })}) stuck in PROCESSING: ${reason}`,
        payload: {
          payoutId: payout.id,
          creatorId: payout.creatorId,
          status: payout.status,
          stage: STALE_STAGE_UNSETTLED,
          amount: String(payout.amount),
          currency: payout.currency,
          processingStartedAt: payout.processingStartedAt?.toISOString() ?? null,
          transferId: payout.stripeTransferId,
          bankPayoutId: payout.stripeBankPayoutId,
          reason,
        },
        at: now,
      }),
    ),
  );
  return { decision: 'alerted', reason };
}

/** `stage` of a `payout_stale` alert raised here: Stripe's answer did not settle a PROCESSING payout. */
export const STALE_STAGE_UNSETTLED = 'unsettled';
