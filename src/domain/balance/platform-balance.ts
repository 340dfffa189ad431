/**
 * The platform's Stripe balance against what it owes creators (seed 002 §5, issue 14 §2,
 * docs/balance.md): the threshold status, the trend of the balance over the last days, and a
 * projection of when the balance would stop covering the reserve or what creators can claim.
 * Pure: amounts are bigint minor units of one currency, time is passed in.
 */

/** Seed 002's table, gravest first. */
export const balanceThresholdStatuses = ['depleted', 'critical', 'warning', 'healthy'] as const;
export type BalanceThresholdStatus = (typeof balanceThresholdStatuses)[number];

export interface BalanceThresholds {
  /** Below it: critical (seed 002: 1,000.00). */
  criticalMinor: bigint;
  /** Below it: warning (5,000.00). */
  warningMinor: bigint;
  /** At or above it (and the whole reserve): healthy (10,000.00). */
  healthyMinor: bigint;
  /** The reserve, as a percentage of what creators are owed (120). */
  reservePercent: number;
}

/** Why a status is what it is, for the alert and the reply (several may hold at once). */
export type BalanceStatusReason =
  | 'balance_not_positive'
  | 'below_critical_threshold'
  | 'below_half_of_reserve'
  | 'below_warning_threshold'
  | 'below_80_percent_of_reserve'
  | 'below_healthy_threshold'
  | 'below_reserve';

/**
 * What the platform must keep: `reservePercent` % of what it owes creators, rounded up (a
 * reserve a fraction of a cent short is short).
 * @example requiredReserve(1_500_000n, 120) === 1_800_000n
 */
export function requiredReserve(obligationsMinor: bigint, reservePercent: number): bigint {
  if (obligationsMinor <= 0n) return 0n;
  const percent = BigInt(reservePercent);
  return (obligationsMinor * percent + 99n) / 100n;
}

/**
 * Seed 002's threshold table, applied to the *available* balance:
 *
 * | status | condition |
 * |---|---|
 * | depleted | balance ≤ 0 |
 * | critical | balance < critical threshold, or < 50 % of the required reserve |
 * | warning | balance < warning threshold, or < 80 % of the required reserve |
 * | healthy | balance ≥ healthy threshold and ≥ 100 % of the required reserve |
 *
 * The seed leaves a gap (between the warning and healthy thresholds, or between 80 % and 100 % of
 * the reserve): that is not healthy, so it is `warning`, with the reason that says which.
 */
export function balanceThresholdStatus(
  input: { availableMinor: bigint; requiredReserveMinor: bigint },
  thresholds: BalanceThresholds,
): { status: BalanceThresholdStatus; reasons: BalanceStatusReason[] } {
  const { availableMinor: balance, requiredReserveMinor: reserve } = input;
  if (balance <= 0n) return { status: 'depleted', reasons: ['balance_not_positive'] };
  const critical: BalanceStatusReason[] = [];
  if (balance < thresholds.criticalMinor) critical.push('below_critical_threshold');
  if (balance * 2n < reserve) critical.push('below_half_of_reserve');
  if (critical.length > 0) return { status: 'critical', reasons: critical };
  const warning: BalanceStatusReason[] = [];
  if (balance < thresholds.warningMinor) warning.push('below_warning_threshold');
  if (balance * 5n < reserve * 4n) warning.push('below_80_percent_of_reserve');
  if (warning.length > 0) return { status: 'warning', reasons: warning };
  const notHealthy: BalanceStatusReason[] = [];
  if (balance < thresholds.healthyMinor) notHealthy.push('below_healthy_threshold');
  if (balance < reserve) notHealthy.push('below_reserve');
  return notHealthy.length > 0 ? { status: 'warning', reasons: notHealthy } : { status: 'healthy', reasons: [] };
}

export type BalanceTrendDirection = 'increasing' | 'decreasing' | 'stable';

export interface BalanceTrend {
  direction: BalanceTrendDirection;
  /** Minor units per day (seed 002: `averageChange`), from the oldest reading of the window to the newest; 0 without enough history. */
  averageChange: bigint;
  /** How many readings it is based on (the stored snapshots of the window and the current reading). */
  readings: number;
  /** Days between the oldest and the newest reading. */
  spanDays: number;
}

export interface TrendOptions {
  /** Seed 002: the last 7 days. */
  windowDays: number;
  /** Seed 002: a change of more than ±1,000.00 a day is a trend; less is stable. */
  stableBandMinor: bigint;
  /**
   * Less history than this gives no trend (stable, 0): two readings an hour apart say nothing
   * about a day. 20 h, so that two daily snapshots a few seconds early still count as a day.
   */
  minimumSpanHours?: number;
}

const DAY_MS = 86_400_000;

/**
 * The balance's trend over the window (seed 002 "Trend Analysis"): the average change per day
 * from the oldest reading in the window to the newest — `increasing` above the band,
 * `decreasing` below minus the band, `stable` within it. Readings may be irregular (daily
 * snapshots and on-demand ones): the average is over the time between the two ends, not the
 * number of readings.
 */
export function balanceTrend(readings: ReadonlyArray<{ at: Date; availableMinor: bigint }>, now: Date, options: TrendOptions): BalanceTrend {
  const from = now.getTime() - options.windowDays * DAY_MS;
  const window = readings.filter((r) => r.at.getTime() >= from && r.at.getTime() <= now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
  const oldest = window[0];
  const newest = window[window.length - 1];
  const spanMs = oldest && newest ? newest.at.getTime() - oldest.at.getTime() : 0;
  const minimumSpanMs = (options.minimumSpanHours ?? 20) * 3_600_000;
  if (!oldest || !newest || spanMs < minimumSpanMs) return { direction: 'stable', averageChange: 0n, readings: window.length, spanDays: round2(spanMs / DAY_MS) };
  const averageChange = roundedDivision((newest.availableMinor - oldest.availableMinor) * BigInt(DAY_MS), BigInt(spanMs));
  const direction: BalanceTrendDirection = averageChange > options.stableBandMinor ? 'increasing' : averageChange < -options.stableBandMinor ? 'decreasing' : 'stable';
  return { direction, averageChange, readings: window.length, spanDays: round2(spanMs / DAY_MS) };
}

/** What becomes payable on a day (UTC): the creator shares of the HELD payments released that day. */
export interface ReleaseDay {
  /** `YYYY-MM-DD` (UTC). Days already past (a release the sweep has not made yet) count as today. */
  date: string;
  amountMinor: bigint;
}

export interface ProjectionInput {
  now: Date;
  availableMinor: bigint;
  /** Owed and claimable now: the creators' available and reserved (requested, approved, in flight). */
  payableNowMinor: bigint;
  /** The release calendar of what is still held. */
  releases: readonly ReleaseDay[];
  requiredReserveMinor: bigint;
  /** The trend's average change per day. */
  averageChangePerDay: bigint;
  /** How far ahead to look: 90 days. */
  horizonDays: number;
}

export interface ProjectionDay {
  date: string;
  /** The balance if the trend goes on. */
  projectedBalance: bigint;
  /** What creators could claim by the end of that day: payable now plus every release up to it. */
  payable: bigint;
  /** Released that day. */
  releasing: bigint;
}

export interface BalanceProjection {
  horizonDays: number;
  /** The first day the projected balance is below the required reserve (today when it already is); null: not within the horizon. */
  reserveBreachDate: string | null;
  reserveBreachInDays: number | null;
  /**
   * The first day the projected balance no longer covers what creators could claim by then (or
   * is ≤ 0): the run-out date. Null: not within the horizon.
   */
  runOutDate: string | null;
  runOutInDays: number | null;
  /** What would be missing that day (payable − projected balance, at least 0). */
  runOutShortfall: bigint | null;
  days: ProjectionDay[];
}

/**
 * The balance's future, day by day (issue 14 §2, beyond the seed): the balance follows its trend,
 * and what creators can claim grows as held earnings are released (the release calendar). Two
 * dates come out of it — when the balance would fall below the reserve, and when it would no
 * longer cover what is payable (run-out) — so an alert can be raised *before* either happens.
 *
 * Deliberately conservative: the trend already contains the payouts of the past days and the
 * calendar assumes every release is claimed the day it is released, so the dates are the
 * earliest plausible ones. Obligations are held at today's (new earnings bring their own cash),
 * so the reserve stays today's.
 */
export function projectBalance(input: ProjectionInput): BalanceProjection {
  const today = isoDate(input.now);
  const byDate = new Map<string, bigint>();
  for (const release of input.releases) {
    const date = release.date < today ? today : release.date;
    byDate.set(date, (byDate.get(date) ?? 0n) + release.amountMinor);
  }
  const days: ProjectionDay[] = [];
  let payable = input.payableNowMinor;
  let reserveBreach: number | null = null;
  let runOut: number | null = null;
  let runOutShortfall: bigint | null = null;
  for (let d = 0; d <= input.horizonDays; d++) {
    const date = isoDate(new Date(input.now.getTime() + d * DAY_MS));
    const releasing = byDate.get(date) ?? 0n;
    payable += releasing;
    const projectedBalance = input.availableMinor + input.averageChangePerDay * BigInt(d);
    days.push({ date, projectedBalance, payable, releasing });
    if (reserveBreach === null && projectedBalance < input.requiredReserveMinor) reserveBreach = d;
    if (runOut === null && (projectedBalance < payable || projectedBalance <= 0n)) {
      runOut = d;
      runOutShortfall = payable > projectedBalance ? payable - projectedBalance : 0n;
    }
  }
  return {
    horizonDays: input.horizonDays,
    reserveBreachDate: reserveBreach === null ? null : days[reserveBreach]!.date,
    reserveBreachInDays: reserveBreach,
    runOutDate: runOut === null ? null : days[runOut]!.date,
    runOutInDays: runOut,
    runOutShortfall,
    days,
  };
}

/** `YYYY-MM-DD` of an instant, UTC. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Rounded half away from zero. */
function roundedDivision(numerator: bigint, denominator: bigint): bigint {
  const half = denominator / 2n;
  return numerator >= 0n ? (numerator + half) / denominator : -((-numerator + half) / denominator);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
