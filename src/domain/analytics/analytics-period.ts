import { AppError } from '../errors/index.js';

/** The periods of the analytics page (seed 000: "Period Selector: 7, 30, 90, 365 days"). */
export const analyticsPeriods = [7, 30, 90, 365] as const;
export type AnalyticsPeriod = (typeof analyticsPeriods)[number];

/** Seed 000: "`period`: Number of days (default: 30)". */
export const DEFAULT_ANALYTICS_PERIOD: AnalyticsPeriod = 30;

/**
 * The `period` query parameter: one of 7, 30, 90, 365 (days), 30 when absent. Only these: the
 * page offers no other, and a closed set keeps every answer one of four cheap sums.
 * @throws AppError INVALID_PERIOD (400) for anything else, `details.allowed` the accepted values
 * @example parseAnalyticsPeriod('90') // 90
 */
export function parseAnalyticsPeriod(value: string | undefined): AnalyticsPeriod {
  if (value === undefined) return DEFAULT_ANALYTICS_PERIOD;
  const period = analyticsPeriods.find((days) => String(days) === value.trim());
  if (period === undefined) {
    throw new AppError('INVALID_PERIOD', `period must be one of ${analyticsPeriods.join(', ')} (days); got ${JSON.stringify(value.slice(0, 16))}`, {
      kind: 'invalid',
      details: { param: 'period', allowed: [...analyticsPeriods] },
    });
  }
  return period;
}

/** A range of UTC days, both ends included, as `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * The `days` UTC days that end with today's (the one `now` falls in): a 7-day period on a
 * Sunday runs Monday to Sunday. Days are UTC because the aggregates are (docs/analytics.md).
 * @example periodDays(new Date('2026-03-15T23:30:00Z'), 7) // { from: '2026-03-09', to: '2026-03-15' }
 */
export function periodDays(now: Date, days: number): DayRange {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: utcDay(today - (days - 1) * DAY_MS), to: utcDay(today) };
}

/** Every day of a range, in order. */
export function eachDay(range: DayRange): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${range.from}T00:00:00Z`), end = Date.parse(`${range.to}T00:00:00Z`); at <= end; at += DAY_MS) days.push(utcDay(at));
  return days;
}

const DAY_MS = 86_400_000;

function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
