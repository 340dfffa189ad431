import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { balanceThresholdStatuses } from '../../domain/balance/platform-balance.js';

/** Why a snapshot was stored: the day's first scheduled check from 06:00 UTC, or a check someone asked for. */
export const balanceSnapshotTriggers = ['daily', 'on_demand'] as const;
export type BalanceSnapshotTrigger = (typeof balanceSnapshotTriggers)[number];

/**
 * What the snapshot saw besides the amounts (seed 002's `metadata`, and what the check derived).
 * Amounts are strings of minor units (JSON numbers are not exact beyond 2^53).
 */
export interface BalanceSnapshotMetadata {
  /** Creators owed something in this currency (held, available or reserved > 0). */
  creatorsWithUnpaidEarnings?: number;
  /** Of those, how many cannot be paid yet: no connected account, or its payouts not enabled. */
  creatorsWithoutPayoutAccount?: number;
  /** The obligations by ledger bucket. */
  obligationsByBucket?: { held: string; available: string; reserved: string };
  /** Earnings under dispute: not counted as owed until the dispute is won. */
  frozen?: string;
  daysSinceLastSnapshot?: number | null;
  reasons?: string[];
  trend?: { direction: string; averageChange: string; readings: number; spanDays: number };
  projection?: { horizonDays: number; reserveBreachDate: string | null; runOutDate: string | null; runOutShortfall: string | null; daysOfCoverage: number | null };
  [key: string]: unknown;
}

/**
 * The platform's Stripe balance against its obligations to creators, per currency, as a check
 * saw it (seed 002 §5 `platformBalanceSnapshots`, docs/balance.md): one a day (the first
 * scheduled check from 06:00 UTC) and one per check run on demand. The trend of the balance is
 * read from them, and `GET /api/admin/balance` charts them.
 */
export const platformBalanceSnapshots = pgTable(
  'platform_balance_snapshots',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    currency: char('currency', { length: 3 }).notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
    trigger: text('trigger', { enum: balanceSnapshotTriggers }).notNull(),
    /** Stripe's available balance, minor units. */
    available: bigint('available', { mode: 'bigint' }).notNull(),
    /** Stripe's pending balance (not yet available), minor units. */
    pending: bigint('pending', { mode: 'bigint' }).notNull(),
    /** What the ledger says creators are owed: held + available + reserved (requested, approved, in flight). */
    obligations: bigint('obligations', { mode: 'bigint' }).notNull(),
    requiredReserve: bigint('required_reserve', { mode: 'bigint' }).notNull(),
    thresholdStatus: text('threshold_status', { enum: balanceThresholdStatuses }).notNull(),
    metadata: jsonb('metadata').$type<BalanceSnapshotMetadata>().notNull().default({}),
  },
  (t) => [
    index('platform_balance_snapshots_currency_idx').on(t.currency, t.takenAt),
    check('platform_balance_snapshots_status_valid', sql`${t.thresholdStatus} in ('depleted', 'critical', 'warning', 'healthy')`),
    check('platform_balance_snapshots_trigger_valid', sql`${t.trigger} in ('daily', 'on_demand')`),
  ],
);
