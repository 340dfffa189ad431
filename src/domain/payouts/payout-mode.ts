/**
 * How a creator's money leaves the platform (issue 5 §5, docs/payout-modes.md):
 *
 * - `manual`: the creator requests a payout and an admin processes it (seed 000);
 * - `automatic`: each payment is transferred on its own once its hold has ended (seed 004);
 * - `scheduled`: the whole available balance is paid out weekly (Monday) or monthly (the 1st), UTC.
 *
 * The mode is global (`PAYOUT_MODE`) with a per-creator override (`creators.payout_mode`); the
 * schedule likewise (`PAYOUT_SCHEDULE`, `creators.payout_schedule`).
 */
export const payoutModes = ['manual', 'automatic', 'scheduled'] as const;
export type PayoutMode = (typeof payoutModes)[number];

export const payoutSchedules = ['weekly', 'monthly'] as const;
export type PayoutSchedule = (typeof payoutSchedules)[number];

/**
 * The mode that applies to a creator: their own override, else the platform's.
 *
 * @example
 * effectivePayoutMode({ payoutMode: null }, { payoutMode: 'manual' }); // 'manual'
 * effectivePayoutMode({ payoutMode: 'automatic' }, { payoutMode: 'manual' }); // 'automatic'
 */
export function effectivePayoutMode(creator: { payoutMode: PayoutMode | null }, config: { payoutMode: PayoutMode }): PayoutMode {
  return creator.payoutMode ?? config.payoutMode;
}

/** The schedule that applies to a creator in `scheduled` mode: their own override, else the platform's. */
export function effectivePayoutSchedule(creator: { payoutSchedule: PayoutSchedule | null }, config: { payoutSchedule: PayoutSchedule }): PayoutSchedule {
  return creator.payoutSchedule ?? config.payoutSchedule;
}

/**
 * Days after the payout day on which a scheduled payout that was not made yet is still made: a
 * daily run missed on the payout day (the service was down) catches up on the next two days.
 * Later in the period nothing is made; the next period's payout day takes the whole balance.
 */
export const SCHEDULED_PAYOUT_CATCH_UP_DAYS = 2;

const DAY_MS = 86_400_000;

export interface SchedulePeriod {
  schedule: PayoutSchedule;
  /** The payout day, 00:00 UTC: a Monday (weekly) or the 1st of a month (monthly). */
  start: Date;
  /** The next period's start (exclusive end). */
  end: Date;
  /** A stable name of the period: `weekly:2026-11-23`, `monthly:2026-12`. */
  key: string;
}

/**
 * The schedule period `now` falls in. Weeks start on Monday 00:00 UTC, months on the 1st 00:00 UTC.
 *
 * @example
 * schedulePeriod('weekly', new Date('2026-11-25T10:00:00Z')).key; // 'weekly:2026-11-23'
 */
export function schedulePeriod(schedule: PayoutSchedule, now: Date): SchedulePeriod {
  if (schedule === 'weekly') {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const daysSinceMonday = (now.getUTCDay() + 6) % 7;
    const start = new Date(midnight - daysSinceMonday * DAY_MS);
    return { schedule, start, end: new Date(start.getTime() + 7 * DAY_MS), key: `weekly:${start.toISOString().slice(0, 10)}` };
  }
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { schedule, start, end, key: `monthly:${start.toISOString().slice(0, 7)}` };
}

/**
 * Whether a scheduled payout may be made at `now`: on the period's payout day, or within
 * `catchUpDays` after it (a missed daily run). Whether this period already has one is the
 * caller's question (the database's).
 */
export function isScheduledPayoutDay(period: SchedulePeriod, now: Date, catchUpDays = SCHEDULED_PAYOUT_CATCH_UP_DAYS): boolean {
  return now.getTime() >= period.start.getTime() && now.getTime() < period.start.getTime() + (1 + catchUpDays) * DAY_MS;
}
