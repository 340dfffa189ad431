import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creators, payments, payouts } from '../../db/schema/index.js';
import { isAppError } from '../../domain/errors/index.js';
import { effectivePayoutMode, effectivePayoutSchedule, isScheduledPayoutDay, schedulePeriod, type SchedulePeriod } from '../../domain/payouts/payout-mode.js';
import { balances, creatorAccount } from '../../ledger/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';
import { createPayout } from './create-payout.js';
import { creatorRecipient } from './payout-lifecycle.js';
import { emptyPendingPayoutsRun, processPendingPayouts, type PendingPayoutsRun } from './process-pending-payouts.js';

export const SCHEDULED_PAYOUTS_ACTOR: Actor = 'system:scheduled-payouts';

export interface RunScheduledPayoutsOptions {
  /** Who the payouts are made and processed by (audit); default `system:scheduled-payouts`. */
  actor?: Actor;
  /** Creators looked at in one run (default 1,000); the rest are taken on the next catch-up day. */
  limit?: number;
}

export type ScheduledSkipReason = 'not_scheduled' | 'not_payout_day' | 'already_paid_this_period' | 'not_connected' | 'below_minimum' | string;

export interface ScheduledPayoutsResult extends PendingPayoutsRun {
  /** Whether any creator is in scheduled mode (else nobody was looked at). */
  enabled: boolean;
  created: number;
  createdPayoutIds: string[];
  /** Creators in scheduled mode with READY payments whose payout day it is not. */
  notDue: number;
  /** Creators with money available who got no payout, with why (per currency). */
  skipped: Array<{ creatorId: string; currency?: string; reason: ScheduledSkipReason }>;
}

/**
 * Scheduled payouts (job `scheduled-payouts`, daily; docs/payout-modes.md). For each creator in
 * scheduled mode whose payout day it is — Monday (weekly) or the 1st (monthly), UTC, with
 * `SCHEDULED_PAYOUT_CATCH_UP_DAYS` of catch-up after a missed run — and who has no scheduled
 * payout in this period yet (whatever became of it): one payout per currency of the whole
 * available balance, when it reaches `MIN_PAYOUT_AMOUNT_CENTS`; then every PENDING scheduled
 * payout goes through the transfer saga.
 *
 * Idempotent per period: the check runs under the creator's row lock, in the transaction that
 * makes the payout, so a second run on the same day — or a concurrent one on another instance —
 * finds the period's payout and makes none.
 */
export async function runScheduledPayouts(db: Db, context: ServiceContext, options: RunScheduledPayoutsOptions = {}): Promise<ScheduledPayoutsResult> {
  const actor = options.actor ?? SCHEDULED_PAYOUTS_ACTOR;
  const enabled = context.config.payoutMode === 'scheduled' || (await db.select({ id: creators.id }).from(creators).where(eq(creators.payoutMode, 'scheduled')).limit(1)).length > 0;
  const result: ScheduledPayoutsResult = { enabled, created: 0, createdPayoutIds: [], notDue: 0, skipped: [], ...emptyPendingPayoutsRun() };

  if (enabled) {
    // Creators in scheduled mode with something READY to pay out.
    const candidates = await db
      .selectDistinct({ id: creators.id, payoutMode: creators.payoutMode, payoutSchedule: creators.payoutSchedule })
      .from(creators)
      .innerJoin(payments, and(eq(payments.creatorId, creators.id), eq(payments.status, 'READY')))
      .where(sql`coalesce(${creators.payoutMode}, ${context.config.payoutMode}) = 'scheduled'`)
      .orderBy(asc(creators.id))
      .limit(options.limit ?? 1000);
    const now = context.clock.now();
    for (const candidate of candidates) {
      // Most days are nobody's payout day: those creators are not even locked (the transaction checks again).
      if (!isScheduledPayoutDay(schedulePeriod(effectivePayoutSchedule(candidate, context.config), now), now)) {
        result.notDue += 1;
        continue;
      }
      const outcome = await payOutCreator(db, candidate.id, actor, context);
      result.created += outcome.created.length;
      result.createdPayoutIds.push(...outcome.created);
      result.skipped.push(...outcome.skipped.map((s) => ({ creatorId: candidate.id, ...s })));
    }
  }

  const processed = await processPendingPayouts(db, { origin: 'scheduled', actor, limit: Math.max(500, result.created) }, context);
  return { ...result, ...processed };
}

/** One creator's payouts for the current period (one per currency), in one transaction. */
async function payOutCreator(
  db: Db,
  creatorId: string,
  actor: Actor,
  context: ServiceContext,
): Promise<{ created: string[]; skipped: Array<{ currency?: string; reason: ScheduledSkipReason }> }> {
  return db.transaction(async (tx) => {
    const [creator] = await tx.select().from(creators).where(eq(creators.id, creatorId)).for('update');
    if (!creator || effectivePayoutMode(creator, context.config) !== 'scheduled') return { created: [], skipped: [{ reason: 'not_scheduled' }] };
    const now = context.clock.now();
    const period = schedulePeriod(effectivePayoutSchedule(creator, context.config), now);
    if (!isScheduledPayoutDay(period, now)) return { created: [], skipped: [{ reason: 'not_payout_day' }] };
    if (!creator.stripeAccountId || !creator.payoutsEnabled) return { created: [], skipped: [{ reason: 'not_connected' }] };

    // What createPayout can cover: READY shares not yet allocated and not on an admin hold, per currency.
    const coverable = await tx
      .select({ currency: payments.currency, amount: sql<string>`sum(${payments.creatorAmount} - ${payments.allocatedAmount})::text` })
      .from(payments)
      .where(and(eq(payments.creatorId, creatorId), eq(payments.status, 'READY'), eq(payments.disputeRequested, false), sql`${payments.creatorAmount} > ${payments.allocatedAmount}`))
      .groupBy(payments.currency);
    const available = await balances(tx, coverable.map((c) => creatorAccount(creatorId, 'available', c.currency)));

    const created: string[] = [];
    const skipped: Array<{ currency?: string; reason: ScheduledSkipReason }> = [];
    for (const { currency, amount: coverableText } of coverable.sort((a, b) => a.currency.localeCompare(b.currency))) {
      if (await hasScheduledPayoutIn(tx, creatorId, currency, period)) {
        skipped.push({ currency, reason: 'already_paid_this_period' });
        continue;
      }
      const availableAmount = available.get(creatorAccount(creatorId, 'available', currency).code) ?? 0n;
      const amount = BigInt(coverableText) < availableAmount ? BigInt(coverableText) : availableAmount;
      if (amount < BigInt(context.config.limits.minPayoutMinor)) {
        skipped.push({ currency, reason: 'below_minimum' });
        continue;
      }
      try {
        // A savepoint: a refusal for one currency must not undo the others.
        const payoutId = await tx.transaction(async (savepoint) => {
          const { payout } = await createPayout(
            savepoint,
            { creatorId, amount, currency, origin: 'scheduled', status: 'PENDING', actor, notes: `Scheduled ${period.schedule} payout (${period.key})` },
            context,
          );
          await enqueueMessage(savepoint, {
            topic: 'payout.scheduled',
            recipient: await creatorRecipient(savepoint, creatorId),
            payload: { payoutId: payout.id, amount: String(payout.amount), currency, schedule: period.schedule, period: period.key },
            dedupeKey: `payout.scheduled:${payout.id}`,
            at: now,
          });
          return payout.id;
        });
        created.push(payoutId);
      } catch (error) {
        if (isAppError(error) && error.kind !== 'internal') skipped.push({ currency, reason: error.code });
        else throw error;
      }
    }
    return { created, skipped };
  });
}

/** Any scheduled payout of this creator and currency made in the period, whatever became of it. */
async function hasScheduledPayoutIn(tx: DbExecutor, creatorId: string, currency: string, period: SchedulePeriod): Promise<boolean> {
  const rows = await tx
    .select({ id: payouts.id })
    .from(payouts)
    .where(
      and(
        eq(payouts.creatorId, creatorId),
        eq(payouts.currency, currency),
        eq(payouts.origin, 'scheduled'),
        gte(payouts.requestedAt, period.start),
        lt(payouts.requestedAt, period.end),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
