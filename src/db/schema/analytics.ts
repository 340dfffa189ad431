import { sql } from 'drizzle-orm';
import { bigint, char, check, date, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

/**
 * What the admin analytics count (docs/analytics.md), per UTC day and currency, kept up to date by
 * triggers on `payments` and `payouts` in the same transaction as the change they count
 * (drizzle/*_analytics_backfill.sql), so `GET /api/admin/analytics` sums a few hundred rows
 * instead of a year of payments.
 *
 * Payment columns are keyed by the day the payment was made and say what became of those
 * payments: a later refund lowers its payment's day (`refunded_amount`), a status change moves its
 * count between the `payments_<status>` columns. Payout columns are keyed by the day a payout
 * was paid. Like the ledger's hot balances, a (day, currency) is kept in up to 8 `bucket` rows:
 * each writing transaction takes a bucket no other writer holds, so concurrent payments never
 * queue on one row. A day's figures are the sum of its buckets.
 */
export const dailyTotals = pgTable(
  'daily_totals',
  {
    day: date('day', { mode: 'string' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    bucket: smallint('bucket').notNull(),
    /** Payments made that day, and what customers paid for them. */
    payments: bigint('payments', { mode: 'number' }).notNull().default(0),
    amount: bigint('amount', { mode: 'bigint' }).notNull().default(sql`0`),
    feeAmount: bigint('fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    /** What went back to the customers of those payments (refunds, lost disputes), and its fee part. */
    refundedAmount: bigint('refunded_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedFeeAmount: bigint('refunded_fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    /** Those payments by their current status (they add up to `payments`). */
    paymentsHeld: bigint('payments_held', { mode: 'number' }).notNull().default(0),
    paymentsReady: bigint('payments_ready', { mode: 'number' }).notNull().default(0),
    paymentsProcessing: bigint('payments_processing', { mode: 'number' }).notNull().default(0),
    paymentsPaid: bigint('payments_paid', { mode: 'number' }).notNull().default(0),
    paymentsCancelled: bigint('payments_cancelled', { mode: 'number' }).notNull().default(0),
    paymentsDisputed: bigint('payments_disputed', { mode: 'number' }).notNull().default(0),
    paymentsRefunded: bigint('payments_refunded', { mode: 'number' }).notNull().default(0),
    /** Payouts PAID that day (by `completed_at`), and their amount. */
    payoutsPaid: bigint('payouts_paid', { mode: 'number' }).notNull().default(0),
    payoutsPaidAmount: bigint('payouts_paid_amount', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.currency, t.day, t.bucket] }), check('daily_totals_bucket', sql`${t.bucket} between 0 and 7`)],
);

/**
 * The payment columns of `daily_totals` per creator: a creator's figures over a period without
 * reading their payments. Keyed creator first, so one creator's days are one index range. No
 * foreign key on the creator (each check would lock the creator's row; the trigger only copies
 * ids from `payments`, which has one). Up to 4 bucket rows, as above.
 */
export const creatorDailyTotals = pgTable(
  'creator_daily_totals',
  {
    day: date('day', { mode: 'string' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    creatorId: text('creator_id').notNull(),
    bucket: smallint('bucket').notNull(),
    payments: bigint('payments', { mode: 'number' }).notNull().default(0),
    amount: bigint('amount', { mode: 'bigint' }).notNull().default(sql`0`),
    feeAmount: bigint('fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedAmount: bigint('refunded_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedFeeAmount: bigint('refunded_fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.currency, t.creatorId, t.day, t.bucket] }), check('creator_daily_totals_bucket', sql`${t.bucket} between 0 and 3`)],
);

/**
 * The same per creator and calendar month (`month` is its first day): the top creators of a
 * period are found from these few rows per creator — a creator's earnings in a period are at most
 * those of the months it touches — and only the few that can rank are summed day by day
 * (docs/analytics.md "Top creators").
 */
export const creatorMonthlyTotals = pgTable(
  'creator_monthly_totals',
  {
    month: date('month', { mode: 'string' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    creatorId: text('creator_id').notNull(),
    bucket: smallint('bucket').notNull(),
    payments: bigint('payments', { mode: 'number' }).notNull().default(0),
    amount: bigint('amount', { mode: 'bigint' }).notNull().default(sql`0`),
    feeAmount: bigint('fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedAmount: bigint('refunded_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    refundedFeeAmount: bigint('refunded_fee_amount', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [
    primaryKey({ columns: [t.currency, t.month, t.creatorId, t.bucket] }),
    check('creator_monthly_totals_bucket', sql`${t.bucket} between 0 and 3`),
    check('creator_monthly_totals_month', sql`extract(day from ${t.month}) = 1`),
  ],
);
