import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { paymentStatuses, type PaymentStatus } from '../../db/schema/index.js';
import { eachDay, periodDays, type AnalyticsPeriod, type DayRange } from '../../domain/analytics/analytics-period.js';
import { openPayoutStatuses } from '../../domain/payouts/payout-status.js';

export interface GetPlatformAnalyticsInput {
  period: AnalyticsPeriod;
  /** Lower-case ISO 4217, already validated (`normalizeCurrency`). */
  currency: string;
  /** The service clock's now: the period ends with its UTC day. */
  now: Date;
  /** How many top creators; default 10. */
  topCreators?: number;
}

export interface AllTimeAndPeriod {
  total: bigint;
  period: bigint;
}

export interface CountAndAmount {
  count: number;
  amount: bigint;
}

export interface TopCreator {
  creatorId: string;
  name: string;
  email: string;
  /** Payments the creator received in the period. */
  payments: number;
  /** What their customers paid in the period, less what went back to them. */
  revenue: bigint;
  /** The creator's share of `revenue`. */
  earnings: bigint;
}

export interface AnalyticsDay {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  payments: number;
  revenue: bigint;
  refunds: bigint;
  platformFees: bigint;
  creatorEarnings: bigint;
  payoutsPaid: number;
  payoutsPaidAmount: bigint;
}

/** Seed 000's analytics, in minor units of one currency (docs/analytics.md). */
export interface PlatformAnalytics {
  currency: string;
  period: DayRange & { days: AnalyticsPeriod };
  /** Currencies with any figures, and the default one. */
  currencies: string[];
  /** What customers paid, less what went back to them (refunds, lost disputes) = platformFees + creatorEarnings. */
  revenue: AllTimeAndPeriod;
  /** What went back to customers of those payments. */
  refunds: AllTimeAndPeriod;
  platformFees: AllTimeAndPeriod;
  creatorEarnings: AllTimeAndPeriod;
  payouts: {
    /** Open now (PENDING_APPROVAL, PENDING, PROCESSING), whenever requested. */
    pending: CountAndAmount;
    /** PAID, all time. */
    completed: CountAndAmount;
    /** PAID during the period. */
    completedInPeriod: CountAndAmount;
  };
  /** What the platform owes its creators now, from the ledger; `debt` is what creators owe it. */
  balances: { held: bigint; available: bigint; reserved: bigint; frozen: bigint; debt: bigint };
  topCreators: TopCreator[];
  /** The period's payments by their current status. */
  paymentStatuses: Record<PaymentStatus, number>;
  /** Every day of the period, oldest first; a day without activity is all zeros. */
  daily: AnalyticsDay[];
}

/**
 * The admin analytics of seed 000 for one currency and period, from the aggregates the triggers
 * keep (`daily_totals`, `creator_daily_totals`, `creator_monthly_totals`; docs/analytics.md), the open payouts and the
 * creators' ledger balances — a few hundred rows whatever the number of payments. One
 * read-only snapshot, so totals, series and top creators agree with each other.
 *
 * Payment figures belong to the day a payment was made and say what became of it (a refund
 * lowers its payment's day); payouts count on the day they were paid.
 */
export async function getPlatformAnalytics(db: DbExecutor, input: GetPlatformAnalyticsInput): Promise<PlatformAnalytics> {
  const range = periodDays(input.now, input.period);
  return db.transaction(
    async (tx) => {
      const totals = await readTotals(tx, input.currency, range);
      const days = await readDays(tx, input.currency, range);
      const topCreators = await readTopCreators(tx, input.currency, range, input.topCreators ?? 10);
      const pending = await readPendingPayouts(tx, input.currency);
      const balances = await readCreatorBalances(tx, input.currency);
      const currencies = await readCurrencies(tx);
      return {
        currency: input.currency,
        period: { days: input.period, ...range },
        currencies: [...new Set([...currencies, input.currency])].sort(),
        revenue: { total: totals.revenue_total, period: totals.revenue_period },
        refunds: { total: totals.refunds_total, period: totals.refunds_period },
        platformFees: { total: totals.fees_total, period: totals.fees_period },
        creatorEarnings: { total: totals.revenue_total - totals.fees_total, period: totals.revenue_period - totals.fees_period },
        payouts: {
          pending,
          completed: { count: Number(totals.payouts_total), amount: totals.payouts_amount_total },
          completedInPeriod: { count: Number(totals.payouts_period), amount: totals.payouts_amount_period },
        },
        balances,
        topCreators,
        paymentStatuses: Object.fromEntries(paymentStatuses.map((status) => [status, Number(totals[`status_${status.toLowerCase()}` as keyof Totals])])) as Record<PaymentStatus, number>,
        daily: fillDays(range, days),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

type Totals = Record<
  | 'revenue_total' | 'revenue_period' | 'refunds_total' | 'refunds_period' | 'fees_total' | 'fees_period'
  | 'payouts_total' | 'payouts_period' | 'payouts_amount_total' | 'payouts_amount_period'
  | `status_${Lowercase<PaymentStatus>}`,
  bigint
>;

/** Net of refunds: what customers paid less what went back to them, and the fee part of each. */
const revenue = sql`(t.amount - t.refunded_amount)`;
const fees = sql`(t.fee_amount - t.refunded_fee_amount)`;

async function readTotals(tx: DbExecutor, currency: string, range: DayRange): Promise<Totals> {
  const inPeriod = sql`t.day between ${range.from}::date and ${range.to}::date`;
  const statusSums = paymentStatuses.map((status) => sql`coalesce(sum(${sql.raw(`t.payments_${status.toLowerCase()}`)}) filter (where ${inPeriod}), 0)::bigint as ${sql.raw(`status_${status.toLowerCase()}`)}`);
  const { rows } = await tx.execute<Totals>(sql`
    select coalesce(sum(${revenue}), 0)::bigint as revenue_total,
           coalesce(sum(${revenue}) filter (where ${inPeriod}), 0)::bigint as revenue_period,
           coalesce(sum(t.refunded_amount), 0)::bigint as refunds_total,
           coalesce(sum(t.refunded_amount) filter (where ${inPeriod}), 0)::bigint as refunds_period,
           coalesce(sum(${fees}), 0)::bigint as fees_total,
           coalesce(sum(${fees}) filter (where ${inPeriod}), 0)::bigint as fees_period,
           coalesce(sum(t.payouts_paid), 0)::bigint as payouts_total,
           coalesce(sum(t.payouts_paid) filter (where ${inPeriod}), 0)::bigint as payouts_period,
           coalesce(sum(t.payouts_paid_amount), 0)::bigint as payouts_amount_total,
           coalesce(sum(t.payouts_paid_amount) filter (where ${inPeriod}), 0)::bigint as payouts_amount_period,
           ${sql.join(statusSums, sql`, `)}
    from daily_totals t where t.currency = ${currency}`);
  return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, BigInt(value as bigint | string)])) as Totals;
}

type DayRow = {
  day: string;
  payments: bigint;
  revenue: bigint;
  refunds: bigint;
  fees: bigint;
  payouts_paid: bigint;
  payouts_paid_amount: bigint;
};

async function readDays(tx: DbExecutor, currency: string, range: DayRange): Promise<DayRow[]> {
  const { rows } = await tx.execute<DayRow>(sql`
    select t.day::text as day, sum(t.payments)::bigint as payments, sum(${revenue})::bigint as revenue,
           sum(t.refunded_amount)::bigint as refunds, sum(${fees})::bigint as fees,
           sum(t.payouts_paid)::bigint as payouts_paid, sum(t.payouts_paid_amount)::bigint as payouts_paid_amount
    from daily_totals t
    where t.currency = ${currency} and t.day between ${range.from}::date and ${range.to}::date
    group by t.day`);
  return rows;
}

/** Every day of the range, zeros where the aggregates have no row. */
function fillDays(range: DayRange, rows: readonly DayRow[]): AnalyticsDay[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return eachDay(range).map((date) => {
    const row = byDay.get(date);
    const revenueOfDay = BigInt(row?.revenue ?? 0n);
    const feesOfDay = BigInt(row?.fees ?? 0n);
    return {
      date,
      payments: Number(row?.payments ?? 0n),
      revenue: revenueOfDay,
      refunds: BigInt(row?.refunds ?? 0n),
      platformFees: feesOfDay,
      creatorEarnings: revenueOfDay - feesOfDay,
      payoutsPaid: Number(row?.payouts_paid ?? 0n),
      payoutsPaidAmount: BigInt(row?.payouts_paid_amount ?? 0n),
    };
  });
}

/**
 * The period's highest earners; ties by creator id, so the list is stable. Summing every
 * creator's days of a year would read hundreds of thousands of rows, so (a threshold algorithm,
 * exact because a creator's earnings of a day are never negative — refunds only take back part
 * of what that day's payments earned):
 *
 * 1. each creator's earnings in the calendar months the period touches, an upper bound of their
 *    earnings in the period (one row per creator and month);
 * 2. the period's exact earnings of the `limit` creators with the highest bounds, the lowest of
 *    which is a threshold: at least `limit` creators earned that much;
 * 3. the exact earnings of the creators whose bound reaches the threshold — nobody else can rank —
 *    from their days (one index range each).
 */
async function readTopCreators(tx: DbExecutor, currency: string, range: DayRange, limit: number): Promise<TopCreator[]> {
  const months = { from: `${range.from.slice(0, 7)}-01`, to: `${range.to.slice(0, 7)}-01` };
  const inPeriod = sql`d.currency = ${currency} and d.day between ${range.from}::date and ${range.to}::date`;
  const { rows } = await tx.execute<{ creator_id: string; name: string; email: string; payments: bigint; revenue: bigint; earnings: bigint }>(sql`
    with bound as (
      select m.creator_id, sum(${earningsOf('m')}) as upper
      from creator_monthly_totals m
      where m.currency = ${currency} and m.month between ${months.from}::date and ${months.to}::date
      group by m.creator_id
    ),
    probed as (
      select d.creator_id, sum(${earningsOf('d')}) as earnings
      from creator_daily_totals d
      where ${inPeriod} and d.creator_id = any(array(select creator_id from bound order by upper desc, creator_id limit ${limit}))
      group by d.creator_id
    ),
    threshold as (select coalesce((select earnings from probed order by earnings desc limit 1 offset ${limit - 1}), 0) as earnings),
    ranked as (
      select d.creator_id, sum(d.payments)::bigint as payments, sum(d.amount - d.refunded_amount)::bigint as revenue, sum(${earningsOf('d')})::bigint as earnings
      from creator_daily_totals d
      where ${inPeriod} and d.creator_id = any(array(select b.creator_id from bound b, threshold t where b.upper >= t.earnings))
      group by d.creator_id
      having sum(d.payments) > 0
      order by earnings desc, d.creator_id
      limit ${limit}
    )
    select ranked.creator_id, u.name, u.email, ranked.payments, ranked.revenue, ranked.earnings
    from ranked join creators c on c.id = ranked.creator_id join users u on u.id = c.user_id
    order by ranked.earnings desc, ranked.creator_id`);
  return rows.map((row) => ({
    creatorId: row.creator_id,
    name: row.name,
    email: row.email,
    payments: Number(row.payments),
    revenue: BigInt(row.revenue),
    earnings: BigInt(row.earnings),
  }));
}

/** A creator's share of what customers paid, less the creator's part of refunds. */
function earningsOf(alias: string) {
  const t = sql.raw(alias);
  return sql`(${t}.amount - ${t}.fee_amount - ${t}.refunded_amount + ${t}.refunded_fee_amount)`;
}

async function readPendingPayouts(tx: DbExecutor, currency: string): Promise<CountAndAmount> {
  const statuses = sql.join(openPayoutStatuses.map((status) => sql`${status}`), sql`, `);
  const { rows } = await tx.execute<{ count: number; amount: bigint }>(sql`
    select count(*)::int as count, coalesce(sum(amount), 0)::bigint as amount
    from payouts where status in (${statuses}) and currency = ${currency}`);
  return { count: Number(rows[0]!.count), amount: BigInt(rows[0]!.amount) };
}

/**
 * The sum of every creator's ledger balance of each kind in the currency (docs/ledger.md): one
 * pass over the creator balance rows, so its cost grows with creators, not payments.
 */
async function readCreatorBalances(tx: DbExecutor, currency: string): Promise<PlatformAnalytics['balances']> {
  // Codes are creator:<id>:<kind>:<currency>; ids and currencies never hold a LIKE wildcard.
  const { rows } = await tx.execute<{ kind: string; balance: bigint }>(sql`
    select split_part(b.account_code, ':', 3) as kind, sum(b.balance)::bigint as balance
    from ledger_balances b
    where b.account_code like ${`creator:%:${currency}`}
    group by 1`);
  const of = (kind: string) => BigInt(rows.find((row) => row.kind === kind)?.balance ?? 0n);
  return { held: of('held'), available: of('available'), reserved: of('reserved'), frozen: of('frozen'), debt: of('receivable') };
}

async function readCurrencies(tx: DbExecutor): Promise<string[]> {
  const { rows } = await tx.execute<{ currency: string }>(sql`select distinct currency::text as currency from daily_totals`);
  return rows.map((row) => row.currency);
}
