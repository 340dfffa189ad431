import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { platformBalanceSnapshots, type BalanceSnapshotMetadata, type BalanceSnapshotTrigger } from '../../db/schema/index.js';
import {
  balanceThresholdStatus,
  balanceTrend,
  projectBalance,
  requiredReserve,
  type BalanceProjection,
  type BalanceStatusReason,
  type BalanceThresholds,
  type BalanceThresholdStatus,
  type BalanceTrend,
  type ReleaseDay,
} from '../../domain/balance/platform-balance.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { formatMoney } from '../../domain/money/index.js';
import { raiseAlerts, type AlertInput, type AlertTopic } from '../alerts/raise-alert.js';
import { resolveAlertsByFingerprint, resolveAlertsWhenCleared } from '../alerts/resolve-cleared-alerts.js';
import type { ServiceContext } from '../context.js';

/** The alert types of the check (docs/balance.md); each has one alert per currency, fingerprint `<type>:<currency>`. */
export const balanceAlertTypes = ['balance_critical', 'balance_warning', 'balance_below_reserve', 'balance_runout_projected'] as const;
export type BalanceAlertType = (typeof balanceAlertTypes)[number];

export interface CheckPlatformBalanceOptions {
  /**
   * `scheduled` (the built-in scheduler, hourly): alerts are raised and resolved every time, but a
   * snapshot is stored once a day — by the first check from `dailySnapshotHourUtc`. `on_demand`
   * (the cron endpoint, the CLI, an admin): a snapshot is stored every time.
   */
  trigger: 'scheduled' | 'on_demand';
  /** Seed 002: 7 days of snapshots make the trend. */
  trendWindowDays?: number;
  /** Seed 002: ±1,000.00 a day is still stable. */
  stableBandMinor?: bigint;
  /** How far the projection looks: 90 days. */
  horizonDays?: number;
  /**
   * `balance_runout_projected` opens when the projection crosses the reserve within this many days
   * (before it happens), or finds the balance unable to cover what is payable within them (today
   * included): 30 days.
   */
  runoutAlertDays?: number;
  /** Seed 002's daily check is at 06:00 UTC: the daily snapshot is the first scheduled check from then. */
  dailySnapshotHourUtc?: number;
}

/** The obligations to creators in one currency, from the ledger (natural sign, minor units). */
export interface CreatorObligations {
  held: bigint;
  available: bigint;
  /** Requested, approved, or in flight (a transfer not made yet). */
  reserved: bigint;
  /** held + available + reserved. */
  total: bigint;
}

export interface BalanceAlertOutcome {
  id: string;
  type: BalanceAlertType;
  severity: AlertInput['severity'];
  subject: string;
  /** Opened by this check (the admins were notified); false: already open, counted. */
  opened: boolean;
}

export interface CurrencyBalanceCheck {
  currency: string;
  status: BalanceThresholdStatus;
  reasons: BalanceStatusReason[];
  /** Stripe's available and pending balance. */
  available: bigint;
  pending: bigint;
  obligations: CreatorObligations;
  /** Earnings under dispute: owed only if the dispute is won, not counted in `obligations`. */
  frozen: bigint;
  requiredReserve: bigint;
  /** What the available balance holds beyond the reserve (0 when below it). */
  availableForPayouts: bigint;
  /** What the available balance lacks to cover the reserve (0 when it covers it). */
  reserveShortfall: bigint;
  /** Days until the projected balance no longer covers what is payable; null: not within the horizon. */
  daysOfCoverage: number | null;
  trend: BalanceTrend;
  projection: BalanceProjection;
  creatorsWithUnpaidEarnings: number;
  creatorsWithoutPayoutAccount: number;
  /** The absolute thresholds apply to the platform's own currency only (DESIGN.md §8); other currencies are judged against their reserve. */
  thresholds: BalanceThresholds;
  alerts: BalanceAlertOutcome[];
  snapshot: { id: string; trigger: BalanceSnapshotTrigger } | null;
}

export interface PlatformBalanceCheck {
  checkedAt: Date;
  /** DEFAULT_CURRENCY: always checked, first in `currencies`. */
  defaultCurrency: string;
  currencies: CurrencyBalanceCheck[];
  alertsCreated: number;
  alertsResolved: number;
  snapshotsStored: number;
}

const DAY_MS = 86_400_000;

/**
 * The platform balance check (job `platform-balance-check`; seed 002 §5, issue 14 §2): the
 * platform's Stripe balance against what the ledger says it owes creators, per currency — seed
 * 002's threshold status, the reserve (`BALANCE_RESERVE_PERCENT` of the obligations), the trend of
 * the last 7 days of snapshots, and a projection of the balance against the release calendar that
 * foresees the day it would fall below the reserve or stop covering what creators can claim.
 *
 * Alerts (one per condition and currency, notified once, resolved by `system` when the condition
 * clears): `balance_critical`, `balance_warning`, `balance_below_reserve`,
 * `balance_runout_projected`. A snapshot is stored daily, and on every on-demand check.
 *
 * Stripe is read first, outside the transaction: when it cannot be read the check fails with
 * `PLATFORM_BALANCE_UNAVAILABLE` (503) and changes nothing — no snapshot, no alert raised or
 * resolved — so an outage neither fakes a depleted balance nor clears a real alert. The rest is
 * one transaction under an advisory lock: two checks at once (the scheduler and an admin) run one
 * after the other, and the daily snapshot is stored once.
 */
export async function checkPlatformBalance(db: Db, context: Pick<ServiceContext, 'clock' | 'config' | 'stripe'>, options: CheckPlatformBalanceOptions): Promise<PlatformBalanceCheck> {
  const settings = {
    trendWindowDays: options.trendWindowDays ?? 7,
    stableBandMinor: options.stableBandMinor ?? 100_000n,
    horizonDays: options.horizonDays ?? 90,
    runoutAlertDays: options.runoutAlertDays ?? 30,
    dailySnapshotHourUtc: options.dailySnapshotHourUtc ?? 6,
  };
  const stripeBalance = await readStripeBalance(context);
  const now = context.clock.now();
  const { config } = context;
  const platformThresholds: BalanceThresholds = {
    criticalMinor: BigInt(config.balanceThresholds.criticalMinor),
    warningMinor: BigInt(config.balanceThresholds.warningMinor),
    healthyMinor: BigInt(config.balanceThresholds.healthyMinor),
    reservePercent: config.balanceThresholds.reservePercent,
  };

  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('platform-balance-check'))`);
    const obligations = await readObligations(tx);
    const creators = await countCreatorsOwed(tx);
    const calendar = await readReleaseCalendar(tx);

    const currencies = new Set<string>([config.defaultCurrency]);
    for (const [currency, amounts] of stripeBalance) if (amounts.available !== 0n || amounts.pending !== 0n) currencies.add(currency);
    for (const [currency, owed] of obligations) if (owed.total > 0n) currencies.add(currency);
    const ordered = [config.defaultCurrency, ...[...currencies].filter((c) => c !== config.defaultCurrency).sort()];

    const checks: CurrencyBalanceCheck[] = [];
    const firing: AlertInput[] = [];
    for (const currency of ordered) {
      const thresholds = currency === config.defaultCurrency ? platformThresholds : { criticalMinor: 0n, warningMinor: 0n, healthyMinor: 0n, reservePercent: platformThresholds.reservePercent };
      const check = await assessCurrency(tx, {
        currency,
        now,
        stripe: stripeBalance.get(currency) ?? { available: 0n, pending: 0n },
        obligations: obligations.get(currency) ?? { held: 0n, available: 0n, reserved: 0n, total: 0n, frozen: 0n },
        creators: creators.get(currency) ?? { owed: 0, withoutAccount: 0 },
        releases: calendar.get(currency) ?? [],
        thresholds,
        settings,
      });
      checks.push(check);
      firing.push(...alertsFor(check, now, settings.runoutAlertDays));
    }

    const { raised } = await raiseAlerts(tx, firing);
    for (const { alert, opened } of raised) {
      const check = checks.find((c) => alert.fingerprint.endsWith(`:${c.currency}`))!;
      check.alerts.push({ id: String(alert.id), type: alert.type as BalanceAlertType, severity: alert.severity, subject: alert.subject, opened });
    }
    let alertsResolved = 0;
    // A warning whose currency went critical did not clear: the critical alert takes over from it.
    const firingNow = new Set(firing.map((alert) => alert.fingerprint));
    const superseded = firing.filter((alert) => alert.type === 'balance_critical').map((alert) => alert.fingerprint.replace(/^balance_critical:/, 'balance_warning:')).filter((fingerprint) => !firingNow.has(fingerprint));
    alertsResolved += (await resolveAlertsByFingerprint(tx, { fingerprints: superseded, note: 'Superseded: the platform balance fell below the critical level (see the critical alert)', at: now })).length;
    for (const type of balanceAlertTypes) {
      const stillFiring = firing.filter((alert) => alert.type === type).map((alert) => alert.fingerprint);
      alertsResolved += (await resolveAlertsWhenCleared(tx, { type, stillFiring, note: clearedNotes[type], at: now })).length;
    }

    let snapshotsStored = 0;
    for (const check of checks) {
      const trigger = await snapshotDue(tx, check.currency, now, options.trigger, settings.dailySnapshotHourUtc);
      if (trigger === null) continue;
      check.snapshot = { id: String(await storeSnapshot(tx, check, trigger, now)), trigger };
      snapshotsStored++;
    }

    return {
      checkedAt: now,
      defaultCurrency: config.defaultCurrency,
      currencies: checks,
      alertsCreated: raised.filter((r) => r.opened).length,
      alertsResolved,
      snapshotsStored,
    };
  });
}

/** Stripe's platform balance per currency; an outage becomes one clear error, and nothing else happens. */
async function readStripeBalance(context: Pick<ServiceContext, 'stripe'>): Promise<Map<string, { available: bigint; pending: bigint }>> {
  let balance;
  try {
    balance = await context.stripe.retrieveBalance();
  } catch (error) {
    const cause = isAppError(error) ? { code: error.code, ...(error.details && { stripe: error.details }) } : {};
    throw new AppError(
      'PLATFORM_BALANCE_UNAVAILABLE',
      `The platform balance could not be read from Stripe (${error instanceof Error ? error.message : String(error)}); nothing was checked: no snapshot stored, alerts left as they were`,
      { kind: 'unavailable', details: cause, cause: error },
    );
  }
  const out = new Map<string, { available: bigint; pending: bigint }>();
  const add = (currency: string, field: 'available' | 'pending', amount: number) => {
    const key = currency.toLowerCase();
    const entry = out.get(key) ?? { available: 0n, pending: 0n };
    entry[field] += BigInt(amount);
    out.set(key, entry);
  };
  for (const funds of balance.available) add(funds.currency, 'available', funds.amount);
  for (const funds of balance.pending) add(funds.currency, 'pending', funds.amount);
  return out;
}

/** The creators' held, available, reserved and frozen balances per currency (ledger codes `creator:<id>:<bucket>:<currency>`). */
async function readObligations(tx: DbExecutor): Promise<Map<string, CreatorObligations & { frozen: bigint }>> {
  const { rows } = await tx.execute<{ currency: string; bucket: string; amount: string }>(sql`
    select split_part(account_code, ':', 4) as currency, split_part(account_code, ':', 3) as bucket, sum(balance)::bigint as amount
    from ledger_balances
    where account_code like 'creator:%' and split_part(account_code, ':', 3) in ('held', 'available', 'reserved', 'frozen')
    group by 1, 2`);
  const out = new Map<string, CreatorObligations & { frozen: bigint }>();
  for (const row of rows) {
    const entry = out.get(row.currency) ?? { held: 0n, available: 0n, reserved: 0n, total: 0n, frozen: 0n };
    const amount = BigInt(row.amount);
    if (row.bucket === 'held' || row.bucket === 'available' || row.bucket === 'reserved' || row.bucket === 'frozen') entry[row.bucket] = amount;
    entry.total = entry.held + entry.available + entry.reserved;
    out.set(row.currency, entry);
  }
  return out;
}

/** Seed 002's metadata: per currency, the creators owed something, and how many of them cannot be paid (no account, or payouts not enabled). */
async function countCreatorsOwed(tx: DbExecutor): Promise<Map<string, { owed: number; withoutAccount: number }>> {
  const { rows } = await tx.execute<{ currency: string; owed: number; without_account: number }>(sql`
    with owed as (
      select split_part(account_code, ':', 2) as creator_id, split_part(account_code, ':', 4) as currency
      from ledger_balances
      where account_code like 'creator:%' and split_part(account_code, ':', 3) in ('held', 'available', 'reserved')
      group by 1, 2
      having sum(balance) > 0
    )
    select owed.currency, count(*)::int as owed,
      (count(*) filter (where c.id is null or c.stripe_account_id is null or not c.payouts_enabled))::int as without_account
    from owed left join creators c on c.id = owed.creator_id
    group by owed.currency`);
  return new Map(rows.map((row) => [row.currency, { owed: Number(row.owed), withoutAccount: Number(row.without_account) }]));
}

/**
 * The release calendar: per currency and UTC day, the creators' share still held of the HELD
 * payments released that day (net of what refunds took back, by the refund split's rule). A
 * payment an admin stopped (`disputeRequested`) is not released on its date, so it is left out:
 * still owed, not payable on a known day.
 */
async function readReleaseCalendar(tx: DbExecutor): Promise<Map<string, ReleaseDay[]>> {
  const { rows } = await tx.execute<{ currency: string; day: string; amount: string }>(sql`
    select currency, to_char(payout_release_date at time zone 'UTC', 'YYYY-MM-DD') as day,
      sum(creator_amount - (2 * refunded_amount * creator_amount + amount) / (2 * amount))::bigint as amount
    from payments
    where status = 'HELD' and not dispute_requested
    group by 1, 2
    order by 1, 2`);
  const out = new Map<string, ReleaseDay[]>();
  for (const row of rows) {
    const days = out.get(row.currency) ?? [];
    days.push({ date: row.day, amountMinor: BigInt(row.amount) });
    out.set(row.currency, days);
  }
  return out;
}

interface AssessInput {
  currency: string;
  now: Date;
  stripe: { available: bigint; pending: bigint };
  obligations: CreatorObligations & { frozen: bigint };
  creators: { owed: number; withoutAccount: number };
  releases: ReleaseDay[];
  thresholds: BalanceThresholds;
  settings: { trendWindowDays: number; stableBandMinor: bigint; horizonDays: number };
}

async function assessCurrency(tx: DbExecutor, input: AssessInput): Promise<CurrencyBalanceCheck> {
  const { currency, now, stripe, thresholds, settings } = input;
  const { frozen, ...obligations } = input.obligations;
  const reserve = requiredReserve(obligations.total, thresholds.reservePercent);
  const { status, reasons } = balanceThresholdStatus({ availableMinor: stripe.available, requiredReserveMinor: reserve }, thresholds);

  const since = new Date(now.getTime() - settings.trendWindowDays * DAY_MS);
  const recent = await tx
    .select({ at: platformBalanceSnapshots.takenAt, availableMinor: platformBalanceSnapshots.available })
    .from(platformBalanceSnapshots)
    .where(and(eq(platformBalanceSnapshots.currency, currency), gte(platformBalanceSnapshots.takenAt, since)))
    .orderBy(asc(platformBalanceSnapshots.takenAt));
  const trend = balanceTrend([...recent, { at: now, availableMinor: stripe.available }], now, { windowDays: settings.trendWindowDays, stableBandMinor: settings.stableBandMinor });
  const projection = projectBalance({
    now,
    availableMinor: stripe.available,
    payableNowMinor: obligations.available + obligations.reserved,
    releases: input.releases,
    requiredReserveMinor: reserve,
    averageChangePerDay: trend.averageChange,
    horizonDays: settings.horizonDays,
  });
  return {
    currency,
    status,
    reasons,
    available: stripe.available,
    pending: stripe.pending,
    obligations,
    frozen,
    requiredReserve: reserve,
    availableForPayouts: stripe.available > reserve ? stripe.available - reserve : 0n,
    reserveShortfall: reserve > stripe.available ? reserve - stripe.available : 0n,
    daysOfCoverage: projection.runOutInDays,
    trend,
    projection,
    creatorsWithUnpaidEarnings: input.creators.owed,
    creatorsWithoutPayoutAccount: input.creators.withoutAccount,
    thresholds,
    alerts: [],
    snapshot: null,
  };
}

const clearedNotes: Record<BalanceAlertType, string> = {
  balance_critical: 'Cleared: the platform balance is above the critical level again',
  balance_warning: 'Cleared: the platform balance is no longer at the warning level',
  balance_below_reserve: 'Cleared: the platform balance covers the reserve again',
  balance_runout_projected: 'Cleared: the balance is not projected to fall below the reserve or to run short of what is payable within the alert window',
};

const money = (amountMinor: bigint, currency: string) => formatMoney({ amountMinor, currency });

/** The alerts a currency's check raises: the threshold status's, the reserve's, and the projection's. */
function alertsFor(check: CurrencyBalanceCheck, now: Date, runoutAlertDays: number): AlertInput[] {
  const { currency } = check;
  const payload = alertPayload(check, now);
  const alert = (type: BalanceAlertType, severity: AlertInput['severity'], subject: string): AlertInput => ({
    type,
    severity,
    subject,
    details: payload,
    fingerprint: `${type}:${currency}`,
    topic: `alert.${type}` as AlertTopic,
    payload,
    at: now,
  });
  const available = money(check.available, currency);
  const reserve = money(check.requiredReserve, currency);
  const alerts: AlertInput[] = [];
  if (check.status === 'depleted' || check.status === 'critical') {
    alerts.push(
      alert(
        'balance_critical',
        'critical',
        check.status === 'depleted'
          ? `Platform balance depleted (${currency.toUpperCase()}): ${available} available, ${money(check.obligations.total, currency)} owed to creators`
          : `Platform balance critically low (${currency.toUpperCase()}): ${available} available, reserve ${reserve}`,
      ),
    );
  }
  if (check.status === 'warning') alerts.push(alert('balance_warning', 'warning', `Platform balance below the recommended level (${currency.toUpperCase()}): ${available} available, reserve ${reserve}`));
  if (check.reserveShortfall > 0n) {
    alerts.push(alert('balance_below_reserve', 'warning', `Platform balance ${available} below the reserve of ${reserve} (${currency.toUpperCase()}): ${money(check.reserveShortfall, currency)} short`));
  }
  const { reserveBreachInDays: breach, runOutInDays: runOut } = check.projection;
  // Early warning of the reserve (not once it is crossed: balance_below_reserve says that), and the
  // run-out from now on: a balance that cannot cover what creators can claim, today or soon.
  const breachAhead = breach !== null && breach > 0 && breach <= runoutAlertDays;
  const runOutSoon = runOut !== null && runOut <= runoutAlertDays;
  if (breachAhead || runOutSoon) {
    const what = breachAhead
      ? `below the reserve of ${reserve} on ${check.projection.reserveBreachDate}`
      : runOut === 0
        ? 'unable to cover what is payable now'
        : `unable to cover what is payable on ${check.projection.runOutDate}`;
    alerts.push(alert('balance_runout_projected', 'warning', `Platform balance (${currency.toUpperCase()}) projected ${what}: ${available} available, ${money(check.trend.averageChange, currency)} a day`));
  }
  return alerts;
}

/** What every balance alert carries (and its email shows): amounts as strings of minor units, `amount` being the available balance. */
function alertPayload(check: CurrencyBalanceCheck, now: Date): Record<string, unknown> {
  const { projection, thresholds } = check;
  const absolute = thresholds.healthyMinor > 0n;
  return {
    currency: check.currency,
    thresholdStatus: check.status,
    reasons: check.reasons,
    amount: String(check.available),
    pending: String(check.pending),
    obligations: String(check.obligations.total),
    requiredReserve: String(check.requiredReserve),
    reservePercent: thresholds.reservePercent,
    shortfall: String(check.reserveShortfall),
    ...(absolute && { criticalThreshold: String(thresholds.criticalMinor), warningThreshold: String(thresholds.warningMinor), healthyThreshold: String(thresholds.healthyMinor) }),
    trendDirection: check.trend.direction,
    averageChange: String(check.trend.averageChange),
    reserveBreachDate: projection.reserveBreachDate,
    reserveBreachInDays: projection.reserveBreachInDays,
    runOutDate: projection.runOutDate,
    runOutInDays: projection.runOutInDays,
    runOutShortfall: projection.runOutShortfall === null ? null : String(projection.runOutShortfall),
    creatorsWithUnpaidEarnings: check.creatorsWithUnpaidEarnings,
    creatorsWithoutPayoutAccount: check.creatorsWithoutPayoutAccount,
    checkedAt: now.toISOString(),
  };
}

/**
 * Whether this check stores a snapshot of `currency`, and why: every on-demand check does; a
 * scheduled one only if it is the day's first from `hour` UTC (no daily snapshot since then).
 */
async function snapshotDue(tx: DbExecutor, currency: string, now: Date, trigger: CheckPlatformBalanceOptions['trigger'], hour: number): Promise<BalanceSnapshotTrigger | null> {
  if (trigger === 'on_demand') return 'on_demand';
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  if (now.getTime() < dayStart.getTime()) return null;
  const [taken] = await tx
    .select({ id: platformBalanceSnapshots.id })
    .from(platformBalanceSnapshots)
    .where(and(eq(platformBalanceSnapshots.currency, currency), eq(platformBalanceSnapshots.trigger, 'daily'), gte(platformBalanceSnapshots.takenAt, dayStart)))
    .limit(1);
  return taken ? null : 'daily';
}

async function storeSnapshot(tx: DbExecutor, check: CurrencyBalanceCheck, trigger: BalanceSnapshotTrigger, now: Date): Promise<bigint> {
  const [previous] = await tx
    .select({ takenAt: platformBalanceSnapshots.takenAt })
    .from(platformBalanceSnapshots)
    .where(eq(platformBalanceSnapshots.currency, check.currency))
    .orderBy(desc(platformBalanceSnapshots.takenAt))
    .limit(1);
  const metadata: BalanceSnapshotMetadata = {
    creatorsWithUnpaidEarnings: check.creatorsWithUnpaidEarnings,
    creatorsWithoutPayoutAccount: check.creatorsWithoutPayoutAccount,
    obligationsByBucket: { held: String(check.obligations.held), available: String(check.obligations.available), reserved: String(check.obligations.reserved) },
    frozen: String(check.frozen),
    daysSinceLastSnapshot: previous ? Math.round(((now.getTime() - previous.takenAt.getTime()) / DAY_MS) * 100) / 100 : null,
    reasons: check.reasons,
    trend: { direction: check.trend.direction, averageChange: String(check.trend.averageChange), readings: check.trend.readings, spanDays: check.trend.spanDays },
    projection: {
      horizonDays: check.projection.horizonDays,
      reserveBreachDate: check.projection.reserveBreachDate,
      runOutDate: check.projection.runOutDate,
      runOutShortfall: check.projection.runOutShortfall === null ? null : String(check.projection.runOutShortfall),
      daysOfCoverage: check.daysOfCoverage,
    },
  };
  const [row] = await tx
    .insert(platformBalanceSnapshots)
    .values({
      currency: check.currency,
      takenAt: now,
      trigger,
      available: check.available,
      pending: check.pending,
      obligations: check.obligations.total,
      requiredReserve: check.requiredReserve,
      thresholdStatus: check.status,
      metadata,
    })
    .returning({ id: platformBalanceSnapshots.id });
  return row!.id;
}
