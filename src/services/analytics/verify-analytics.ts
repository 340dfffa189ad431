import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { formatChecks, runChecks, type CheckDefinition, type LedgerVerification } from '../../ledger/index.js';

export type AnalyticsVerification = LedgerVerification;

const dailyColumns = [
  'payments', 'amount', 'fee_amount', 'refunded_amount', 'refunded_fee_amount',
  'payments_held', 'payments_ready', 'payments_processing', 'payments_paid', 'payments_cancelled', 'payments_disputed', 'payments_refunded',
  'payouts_paid', 'payouts_paid_amount',
] as const;
const creatorColumns = ['payments', 'amount', 'fee_amount', 'refunded_amount', 'refunded_fee_amount'] as const;

/** `kept.c is distinct from counted.c or …`, missing rows as zeros on either side. */
function differs(columns: readonly string[]) {
  return sql.raw(columns.map((c) => `coalesce(kept.${c}, 0) <> coalesce(counted.${c}, 0)`).join(' or '));
}

/** `c: kept/counted` for the columns that differ, for the report. */
function describeDifferences(columns: readonly string[], row: Record<string, unknown>): string {
  return columns
    .filter((c) => String(row[`kept_${c}`] ?? 0) !== String(row[`counted_${c}`] ?? 0))
    .map((c) => `${c} ${String(row[`kept_${c}`] ?? 0)}, recount ${String(row[`counted_${c}`] ?? 0)}`)
    .join('; ');
}

function bothSides(columns: readonly string[]) {
  return sql.raw(columns.map((c) => `coalesce(kept.${c}, 0)::text as kept_${c}, coalesce(counted.${c}, 0)::text as counted_${c}`).join(', '));
}

const keptSums = (columns: readonly string[]) => sql.raw(columns.map((c) => `sum(${c}) as ${c}`).join(', '));

/**
 * The analytics aggregates equal a recount of payments and payouts (docs/analytics.md "Checks"),
 * at a cost of about two passes over payments and two over the per-creator days:
 *
 * 1. `daily_totals`, day by day and currency, every column, against a recount of payments and
 *    payouts (`analytics_daily_recount`, the SQL the backfill uses — drizzle/0016);
 * 2. `creator_monthly_totals`, creator by creator and month, against a recount of payments;
 * 3. `creator_daily_totals` adds up to both: per creator and month to (2), per day to (1).
 *
 * (3) does not recount each creator's day from payments, which took three times as long at
 * 1,000,000 payments; a drift it would miss must move equal amounts between two creators and
 * two days of one month, both ways. A difference means a change reached the tables without the
 * triggers (a TRUNCATE, a trigger disabled, `session_replication_role = replica`):
 * `select analytics_rebuild();` recounts them.
 */
const checks: CheckDefinition[] = [
  {
    name: 'daily analytics totals equal a recount of payments and payouts',
    query: sql`with kept as (
                 select day, currency::text as currency, ${keptSums(dailyColumns)} from daily_totals group by day, currency),
               counted as (select * from analytics_daily_recount())
               select coalesce(kept.day, counted.day)::text as day, coalesce(kept.currency, counted.currency) as currency, ${bothSides(dailyColumns)}
               from kept full join counted on counted.day = kept.day and counted.currency = kept.currency
               where ${differs(dailyColumns)}
               order by 1, 2`,
    describe: (r) => `${String(r.day)} ${String(r.currency)}: ${describeDifferences(dailyColumns, r)}`,
  },
  {
    name: "each creator's monthly analytics totals equal a recount of their payments",
    query: sql`with kept as (
                 select month, currency::text as currency, creator_id, ${keptSums(creatorColumns)} from creator_monthly_totals group by month, currency, creator_id),
               counted as (select * from analytics_creator_monthly_recount())
               select to_char(coalesce(kept.month, counted.month), 'YYYY-MM') as month, coalesce(kept.currency, counted.currency) as currency,
                      coalesce(kept.creator_id, counted.creator_id) as creator_id, ${bothSides(creatorColumns)}
               from kept full join counted on counted.month = kept.month and counted.currency = kept.currency and counted.creator_id = kept.creator_id
               where ${differs(creatorColumns)}
               order by 1, 2, 3`,
    describe: (r) => `${String(r.month)} ${String(r.currency)} creator ${String(r.creator_id)}: ${describeDifferences(creatorColumns, r)}`,
  },
  {
    name: "each creator's daily analytics totals add up to their month",
    query: sql`with kept as (
                 select date_trunc('month', day)::date as month, currency::text as currency, creator_id, ${keptSums(creatorColumns)}
                 from creator_daily_totals group by 1, 2, 3),
               counted as (
                 select month, currency::text as currency, creator_id, ${keptSums(creatorColumns)} from creator_monthly_totals group by 1, 2, 3)
               select to_char(coalesce(kept.month, counted.month), 'YYYY-MM') as month, coalesce(kept.currency, counted.currency) as currency,
                      coalesce(kept.creator_id, counted.creator_id) as creator_id, ${bothSides(creatorColumns)}
               from kept full join counted on counted.month = kept.month and counted.currency = kept.currency and counted.creator_id = kept.creator_id
               where ${differs(creatorColumns)}
               order by 1, 2, 3`,
    describe: (r) => `${String(r.month)} ${String(r.currency)} creator ${String(r.creator_id)}: days ${describeDifferences(creatorColumns, r).replaceAll(', recount ', ', month ')}`,
  },
  {
    name: "the creators' daily analytics totals add up to each day's",
    query: sql`with kept as (
                 select day, currency::text as currency, ${keptSums(creatorColumns)} from creator_daily_totals group by 1, 2),
               counted as (
                 select day, currency::text as currency, ${keptSums(creatorColumns)} from daily_totals group by 1, 2)
               select coalesce(kept.day, counted.day)::text as day, coalesce(kept.currency, counted.currency) as currency, ${bothSides(creatorColumns)}
               from kept full join counted on counted.day = kept.day and counted.currency = kept.currency
               where ${differs(creatorColumns)}
               order by 1, 2`,
    describe: (r) => `${String(r.day)} ${String(r.currency)}: creators ${describeDifferences(creatorColumns, r).replaceAll(', recount ', ', day ')}`,
  },
  {
    // A status the triggers do not know would be counted in no column, on both sides of the recount.
    name: "each day's payments add up by status",
    query: sql`select day::text as day, currency::text as currency, sum(payments)::text as payments,
                      sum(payments_held + payments_ready + payments_processing + payments_paid + payments_cancelled + payments_disputed + payments_refunded)::text as by_status
               from daily_totals group by day, currency
               having sum(payments) <> sum(payments_held + payments_ready + payments_processing + payments_paid + payments_cancelled + payments_disputed + payments_refunded)
               order by 1, 2`,
    describe: (r) => `${String(r.day)} ${String(r.currency)}: ${String(r.payments)} payments, ${String(r.by_status)} by status`,
  },
];

/** Run the analytics checks over the whole database (read-only). Same shape as `verifyLedger`. */
export function verifyAnalytics(db: DbExecutor): Promise<AnalyticsVerification> {
  return runChecks(db, checks);
}

/** A report for people, in `formatLedgerVerification`'s style. */
export function formatAnalyticsVerification(verification: AnalyticsVerification): string {
  return formatChecks(verification, { ok: 'Analytics verified', failed: 'Analytics verification FAILED' });
}
