import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, paymentDisputes, paymentRefunds, payments, payouts, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { payoutStatuses, type PayoutStatus } from '../../domain/payouts/payout-status.js';
import type { Payout } from '../payouts/create-payout.js';
import { creatorBalancesOf, type CreatorBalances } from './creator-balances.js';
import { creatorOnboarding, type CreatorOnboarding } from './onboarding-state.js';

/** How many recent payouts, refunds and disputes the panel shows. */
export const CONTEXT_RECENT_LIMIT = 10;

const DAY_MS = 86_400_000;

export interface CountAndAmount {
  count: number;
  amount: bigint;
}

export interface CreatorRefundLine {
  id: string;
  paymentId: string;
  bookingId: string | null;
  amount: bigint;
  /** The creator's part of it (the rest was the platform's fee). */
  creatorPart: bigint;
  /** The part the creator owed afterwards, the money having been paid out already. */
  toDebt: bigint;
  currency: string;
  source: 'webhook' | 'admin';
  reason: string | null;
  createdAt: Date;
}

export interface CreatorDisputeLine {
  id: string;
  paymentId: string;
  bookingId: string | null;
  amount: bigint;
  creatorPart: bigint;
  currency: string;
  status: 'open' | 'won' | 'lost';
  reason: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** What an admin needs beside a payout waiting for approval (seed 002 §7 "User Context Panel"). */
export interface CreatorContext {
  userId: string;
  creatorId: string;
  name: string;
  email: string;
  locale: string;
  createdAt: Date;
  disabled: boolean;
  /** Whole days since the creator was created. */
  accountAgeDays: number;
  onboarding: CreatorOnboarding;
  /** The currency of every amount below. */
  currency: string;
  balances: CreatorBalances;
  /** Payments that stand (not cancelled, not fully refunded): what the limit rules call lifetime earnings (`netAmount`). */
  lifetimeEarnings: { paymentCount: number; grossAmount: bigint; feeAmount: bigint; netAmount: bigint };
  payouts: { byStatus: Record<PayoutStatus, CountAndAmount>; recent: Payout[] };
  refunds: CountAndAmount & { recent: CreatorRefundLine[] };
  disputes: CountAndAmount & { open: number; lost: number; recent: CreatorDisputeLine[] };
}

/**
 * The creator context panel of the approval queue: account age, lifetime earnings, payout
 * history (counts and amounts by status, the last 10), the last 10 refunds and disputes, balances
 * and onboarding state, in one currency (the creator's unless named).
 * @throws AppError CREATOR_NOT_FOUND (404)
 */
export async function getCreatorContext(db: DbExecutor, input: { creatorId: string; currency?: string | undefined; now: Date }): Promise<CreatorContext> {
  const [row] = await db.select({ user: users, creator: creators }).from(creators).innerJoin(users, eq(users.id, creators.userId)).where(eq(creators.id, input.creatorId));
  if (!row) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found', details: { creatorId: input.creatorId } });
  const { user, creator } = row;
  const currency = normalizeCurrency(input.currency ?? creator.currency);
  const mine = and(eq(payments.creatorId, creator.id), eq(payments.currency, currency));

  const [balances, earnings, payoutTotals, recentPayouts, refundTotals, recentRefunds, disputeTotals, recentDisputes] = await Promise.all([
    creatorBalancesOf(db, [creator.id], currency),
    db
      .select({
        count: sql<number>`count(*)::int`,
        gross: sql<string>`coalesce(sum(${payments.amount}), 0)::text`,
        fee: sql<string>`coalesce(sum(${payments.feeAmount}), 0)::text`,
        net: sql<string>`coalesce(sum(${payments.creatorAmount}), 0)::text`,
      })
      .from(payments)
      .where(and(mine, sql`${payments.status} not in ('CANCELLED', 'REFUNDED')`)),
    db
      .select({ status: payouts.status, count: sql<number>`count(*)::int`, amount: sql<string>`sum(${payouts.amount})::text` })
      .from(payouts)
      .where(and(eq(payouts.creatorId, creator.id), eq(payouts.currency, currency)))
      .groupBy(payouts.status),
    db
      .select()
      .from(payouts)
      .where(and(eq(payouts.creatorId, creator.id), eq(payouts.currency, currency)))
      .orderBy(desc(payouts.requestedAt), desc(payouts.id))
      .limit(CONTEXT_RECENT_LIMIT),
    db
      .select({ count: sql<number>`count(*)::int`, amount: sql<string>`coalesce(sum(${paymentRefunds.amount}), 0)::text` })
      .from(paymentRefunds)
      .innerJoin(payments, eq(payments.id, paymentRefunds.paymentId))
      .where(mine),
    db
      .select({ refund: paymentRefunds, bookingId: payments.bookingId })
      .from(paymentRefunds)
      .innerJoin(payments, eq(payments.id, paymentRefunds.paymentId))
      .where(mine)
      .orderBy(desc(paymentRefunds.createdAt), desc(paymentRefunds.id))
      .limit(CONTEXT_RECENT_LIMIT),
    db
      .select({
        count: sql<number>`count(*)::int`,
        amount: sql<string>`coalesce(sum(${paymentDisputes.amount}), 0)::text`,
        open: sql<number>`(count(*) filter (where ${paymentDisputes.status} = 'open'))::int`,
        lost: sql<number>`(count(*) filter (where ${paymentDisputes.status} = 'lost'))::int`,
      })
      .from(paymentDisputes)
      .innerJoin(payments, eq(payments.id, paymentDisputes.paymentId))
      .where(mine),
    db
      .select({ dispute: paymentDisputes, bookingId: payments.bookingId })
      .from(paymentDisputes)
      .innerJoin(payments, eq(payments.id, paymentDisputes.paymentId))
      .where(mine)
      .orderBy(desc(paymentDisputes.createdAt), desc(paymentDisputes.id))
      .limit(CONTEXT_RECENT_LIMIT),
  ]);

  const byStatus = Object.fromEntries(payoutStatuses.map((status) => [status, { count: 0, amount: 0n }])) as Record<PayoutStatus, CountAndAmount>;
  for (const total of payoutTotals) byStatus[total.status] = { count: Number(total.count), amount: BigInt(total.amount) };
  const earned = earnings[0]!;
  const refunded = refundTotals[0]!;
  const disputed = disputeTotals[0]!;
  return {
    userId: user.id,
    creatorId: creator.id,
    name: user.name,
    email: user.email,
    locale: creator.locale,
    createdAt: creator.createdAt,
    disabled: user.disabledAt !== null,
    accountAgeDays: Math.max(0, Math.floor((input.now.getTime() - creator.createdAt.getTime()) / DAY_MS)),
    onboarding: creatorOnboarding(creator),
    currency,
    balances: balances.get(creator.id)!,
    lifetimeEarnings: { paymentCount: Number(earned.count), grossAmount: BigInt(earned.gross), feeAmount: BigInt(earned.fee), netAmount: BigInt(earned.net) },
    payouts: { byStatus, recent: recentPayouts },
    refunds: {
      count: Number(refunded.count),
      amount: BigInt(refunded.amount),
      recent: recentRefunds.map(({ refund, bookingId }) => ({
        id: refund.id,
        paymentId: refund.paymentId,
        bookingId,
        amount: refund.amount,
        creatorPart: refund.creatorPart,
        toDebt: refund.toReceivable,
        currency: refund.currency,
        source: refund.source,
        reason: refund.reason,
        createdAt: refund.createdAt,
      })),
    },
    disputes: {
      count: Number(disputed.count),
      amount: BigInt(disputed.amount),
      open: Number(disputed.open),
      lost: Number(disputed.lost),
      recent: recentDisputes.map(({ dispute, bookingId }) => ({
        id: dispute.id,
        paymentId: dispute.paymentId,
        bookingId,
        amount: dispute.amount,
        creatorPart: dispute.creatorPart,
        currency: dispute.currency,
        status: dispute.status,
        reason: dispute.reason,
        createdAt: dispute.createdAt,
        closedAt: dispute.closedAt,
      })),
    },
  };
}
