import { formatMoney, money } from '../money/index.js';

/**
 * Payout limits and fraud rules (seed 002 §6, DESIGN.md §8). Amounts are minor units of the
 * payout's currency; every value comes from configuration (`config.limits`, docs/payout-requests.md).
 */
export interface PayoutLimits {
  /** Hard cap for one payout (MAX_SINGLE_PAYOUT_CENTS). */
  maxSinglePayoutMinor: number;
  /** Above this a payout waits for an admin (APPROVAL_THRESHOLD_CENTS). */
  approvalThresholdMinor: number;
  /** At most this many payouts in a rolling 24 h (MAX_PAYOUTS_PER_DAY). */
  maxPayoutsPerDay: number;
  /** At most this much paid out in a rolling 24 h (MAX_DAILY_PAYOUT_CENTS). */
  maxDailyPayoutMinor: number;
  /** At most this much paid out in a calendar month, UTC (MAX_MONTHLY_PAYOUT_CENTS). */
  maxMonthlyPayoutMinor: number;
  /** An account younger than this many days is new (NEW_ACCOUNT_DAYS)… */
  newAccountDays: number;
  /** …and may not take out more than this at once (NEW_ACCOUNT_MAX_PAYOUT_CENTS). */
  newAccountMaxPayoutMinor: number;
  /** Seconds a creator waits between two requests (MIN_SECONDS_BETWEEN_PAYOUTS). */
  minSecondsBetweenPayouts: number;
  /** Requests in 24 h (this one included, refused ones too) from which a request is suspicious (SUSPICIOUS_PAYOUTS_PER_DAY). */
  suspiciousPayoutsPerDay: number;
  /** A payout above this share of lifetime earnings is suspicious (SUSPICIOUS_EARNINGS_PERCENT). */
  suspiciousEarningsPercent: number;
  /** A first payout above this waits for an admin (FIRST_PAYOUT_REVIEW_CENTS). */
  firstPayoutReviewMinor: number;
}

/** What the rules look at: data only, loaded by the caller (services/payouts/request-payout.ts). */
export interface PayoutLimitInput {
  amount: bigint;
  currency: string;
  now: Date;
  /** When the creator's account was made: the new-account rule. */
  accountCreatedAt: Date;
  /**
   * The creator's payouts that still count (not cancelled, not failed) requested in the last 24 h
   * or later; older ones are ignored, so a caller may pass more.
   */
  recentPayouts: ReadonlyArray<{ amount: bigint; requestedAt: Date }>;
  /** Total of the creator's payouts (not cancelled, not failed) requested this calendar month (UTC). */
  monthlyPayoutAmount: bigint;
  /** Everything the creator ever earned (their share of payments not refunded). */
  lifetimeEarnings: bigint;
  /** The creator's payouts before this one (not cancelled, not failed): 0 for a first payout. */
  earlierPayoutCount: number;
  /** When the creator last asked for a payout (whatever became of it), or null. */
  lastRequestAt: Date | null;
  /** Requests the rules refused in the last 24 h: they count towards the suspicious-frequency rule. */
  recentBlockedAttempts?: number;
}

/** Refusals, in the seed's words. */
export const payoutLimitCodes = [
  'EXCEEDS_SINGLE_LIMIT',
  'EXCEEDS_NEW_ACCOUNT_LIMIT',
  'TOO_SOON_AFTER_PREVIOUS',
  'EXCEEDS_DAILY_COUNT',
  'EXCEEDS_DAILY_AMOUNT',
  'EXCEEDS_MONTHLY_AMOUNT',
] as const;
export type PayoutLimitCode = (typeof payoutLimitCodes)[number];

/**
 * Flags. Those in `approvalFlags` put the payout in PENDING_APPROVAL; NEW_ACCOUNT only informs
 * the reviewer.
 */
export const payoutLimitFlags = ['REQUIRES_ADMIN_APPROVAL', 'NEW_ACCOUNT', 'HIGH_FREQUENCY', 'LARGE_SHARE_OF_EARNINGS', 'LARGE_FIRST_PAYOUT'] as const;
export type PayoutLimitFlag = (typeof payoutLimitFlags)[number];
export const approvalFlags: ReadonlySet<PayoutLimitFlag> = new Set(['REQUIRES_ADMIN_APPROVAL', 'HIGH_FREQUENCY', 'LARGE_SHARE_OF_EARNINGS', 'LARGE_FIRST_PAYOUT']);

/** Seed 002's metadata, plus what a reviewer needs. Amounts are minor units as JSON numbers (stored in jsonb). */
export interface PayoutLimitMetadata {
  isNewAccount: boolean;
  accountAgeDays: number;
  /** Payouts in the last 24 h before this one. */
  dailyPayoutCount: number;
  /** Their total before this one. */
  dailyPayoutAmount: number;
  /** This calendar month's total before this one. */
  monthlyPayoutAmount: number;
  lifetimeEarnings: number;
  /** This payout as a percentage of lifetime earnings (rounded down), null without earnings. */
  shareOfLifetimeEarningsPercent: number | null;
  isFirstPayout: boolean;
  /** Requests in the last 24 h including this one and refused ones (the suspicious-frequency rule). */
  recentRequestCount: number;
  secondsSinceLastRequest: number | null;
  /** With TOO_SOON_AFTER_PREVIOUS: when the creator may ask again. */
  retryAfterSeconds?: number;
  /** With a refusal: the limit that was hit (minor units, or a count). */
  limit?: number;
}

export interface PayoutLimitResult {
  /** False: refused (`code`, `reason`). */
  allowed: boolean;
  /** Allowed but waits for an admin (PENDING_APPROVAL); `reason` says why. */
  requiresApproval: boolean;
  flags: PayoutLimitFlag[];
  /** English, for people reviewing (approvalReason, blocked attempts); creators get messages.ts. */
  reason?: string;
  code?: PayoutLimitCode;
  metadata: PayoutLimitMetadata;
}

const DAY_MS = 86_400_000;

/** The first instant of `now`'s calendar month, UTC: the monthly limit's window. */
export function startOfCalendarMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The rolling 24 h window of the daily limits starts here. */
export function startOfDailyWindow(now: Date): Date {
  return new Date(now.getTime() - DAY_MS);
}

/**
 * Apply seed 002 §6's rules in its order and stop at the first refusal: (1) single maximum →
 * (2) approval threshold → (3) new account → (3b) minimum time between requests → (4) daily
 * count → (5) daily amount → (6) monthly amount → (7) suspicious patterns (frequency, share of
 * lifetime earnings, large first payout). Pure: no I/O, time is `input.now`.
 *
 * Boundaries: a limit is a maximum that may be reached (10 000.00 passes, 10 000.01 does not);
 * the approval threshold, the earnings share and the first-payout size flag strictly above;
 * the daily count refuses when `maxPayoutsPerDay` payouts already happened; the suspicious
 * frequency flags from the `suspiciousPayoutsPerDay`-th request (this one included). The share of
 * lifetime earnings is not judged on a first payout: a first payout is usually all one has
 * earned, and the first-payout rule judges it instead.
 *
 * @example
 * evaluatePayoutLimits({ amount: 600_000n, currency: 'usd', ... }, limits);
 * // { allowed: true, requiresApproval: true, flags: ['REQUIRES_ADMIN_APPROVAL'], reason: 'Amount $6,000.00 exceeds $5,000.00', metadata: {...} }
 */
export function evaluatePayoutLimits(input: PayoutLimitInput, limits: PayoutLimits): PayoutLimitResult {
  const { amount, now } = input;
  const fmt = (minor: bigint | number) => formatMoney(money(BigInt(minor), input.currency), 'en');
  const dayStart = startOfDailyWindow(now).getTime();
  const daily = input.recentPayouts.filter((p) => p.requestedAt.getTime() > dayStart && p.requestedAt.getTime() <= now.getTime());
  const dailyPayoutAmount = daily.reduce((sum, p) => sum + p.amount, 0n);
  const ageMs = Math.max(0, now.getTime() - input.accountCreatedAt.getTime());
  const isNewAccount = ageMs < limits.newAccountDays * DAY_MS;
  const secondsSinceLastRequest = input.lastRequestAt === null ? null : Math.max(0, Math.floor((now.getTime() - input.lastRequestAt.getTime()) / 1000));
  const isFirstPayout = input.earlierPayoutCount === 0;
  const metadata: PayoutLimitMetadata = {
    isNewAccount,
    accountAgeDays: Math.floor(ageMs / DAY_MS),
    dailyPayoutCount: daily.length,
    dailyPayoutAmount: Number(dailyPayoutAmount),
    monthlyPayoutAmount: Number(input.monthlyPayoutAmount),
    lifetimeEarnings: Number(input.lifetimeEarnings),
    shareOfLifetimeEarningsPercent: input.lifetimeEarnings > 0n ? Number((amount * 100n) / input.lifetimeEarnings) : null,
    isFirstPayout,
    recentRequestCount: daily.length + (input.recentBlockedAttempts ?? 0) + 1,
    secondsSinceLastRequest,
  };
  const flags: PayoutLimitFlag[] = [];
  const reasons: string[] = [];
  const refuse = (code: PayoutLimitCode, reason: string, limit: number, extra: Partial<PayoutLimitMetadata> = {}): PayoutLimitResult => ({
    allowed: false,
    requiresApproval: false,
    flags,
    code,
    reason,
    metadata: { ...metadata, ...extra, limit },
  });

  // 1. Single transaction limit: a hard limit, no exceptions.
  if (amount > BigInt(limits.maxSinglePayoutMinor)) {
    return refuse('EXCEEDS_SINGLE_LIMIT', `Amount ${fmt(amount)} exceeds the maximum of ${fmt(limits.maxSinglePayoutMinor)} per payout`, limits.maxSinglePayoutMinor);
  }
  // 2. Admin approval threshold.
  if (amount > BigInt(limits.approvalThresholdMinor)) {
    flags.push('REQUIRES_ADMIN_APPROVAL');
    reasons.push(`Amount ${fmt(amount)} exceeds ${fmt(limits.approvalThresholdMinor)}`);
  }
  // 3. New account restrictions.
  if (isNewAccount) {
    flags.push('NEW_ACCOUNT');
    if (amount > BigInt(limits.newAccountMaxPayoutMinor)) {
      return refuse(
        'EXCEEDS_NEW_ACCOUNT_LIMIT',
        `New account (${metadata.accountAgeDays} days old): at most ${fmt(limits.newAccountMaxPayoutMinor)} per payout during the first ${limits.newAccountDays} days`,
        limits.newAccountMaxPayoutMinor,
      );
    }
  }
  // 3b. Minimum time between requests (seed 002 MIN_TIME_BETWEEN_PAYOUTS).
  if (secondsSinceLastRequest !== null && secondsSinceLastRequest < limits.minSecondsBetweenPayouts) {
    const retryAfterSeconds = limits.minSecondsBetweenPayouts - secondsSinceLastRequest;
    return refuse('TOO_SOON_AFTER_PREVIOUS', `Last request ${secondsSinceLastRequest} s ago: requests must be ${limits.minSecondsBetweenPayouts} s apart`, limits.minSecondsBetweenPayouts, {
      retryAfterSeconds,
    });
  }
  // 4. Daily payout count.
  if (daily.length >= limits.maxPayoutsPerDay) {
    return refuse('EXCEEDS_DAILY_COUNT', `${daily.length} payouts in the last 24 hours: at most ${limits.maxPayoutsPerDay}`, limits.maxPayoutsPerDay);
  }
  // 5. Daily amount, rolling 24 h.
  if (dailyPayoutAmount + amount > BigInt(limits.maxDailyPayoutMinor)) {
    return refuse(
      'EXCEEDS_DAILY_AMOUNT',
      `${fmt(dailyPayoutAmount)} paid out in the last 24 hours: with ${fmt(amount)} it would exceed the daily maximum of ${fmt(limits.maxDailyPayoutMinor)}`,
      limits.maxDailyPayoutMinor,
    );
  }
  // 6. Monthly amount, calendar month.
  if (input.monthlyPayoutAmount + amount > BigInt(limits.maxMonthlyPayoutMinor)) {
    return refuse(
      'EXCEEDS_MONTHLY_AMOUNT',
      `${fmt(input.monthlyPayoutAmount)} paid out this month: with ${fmt(amount)} it would exceed the monthly maximum of ${fmt(limits.maxMonthlyPayoutMinor)}`,
      limits.maxMonthlyPayoutMinor,
    );
  }
  // 7. Suspicious patterns: flagged for review, never refused.
  if (metadata.recentRequestCount >= limits.suspiciousPayoutsPerDay) {
    flags.push('HIGH_FREQUENCY');
    reasons.push(`${metadata.recentRequestCount} payout requests in 24 hours`);
  }
  if (!isFirstPayout && input.lifetimeEarnings > 0n && amount * 100n > input.lifetimeEarnings * BigInt(limits.suspiciousEarningsPercent)) {
    flags.push('LARGE_SHARE_OF_EARNINGS');
    reasons.push(`${metadata.shareOfLifetimeEarningsPercent} % of lifetime earnings (${fmt(input.lifetimeEarnings)})`);
  }
  if (isFirstPayout && amount > BigInt(limits.firstPayoutReviewMinor)) {
    flags.push('LARGE_FIRST_PAYOUT');
    reasons.push(`First payout above ${fmt(limits.firstPayoutReviewMinor)}`);
  }
  if (isNewAccount) reasons.push(`New account (${metadata.accountAgeDays} days old)`);

  const requiresApproval = flags.some((flag) => approvalFlags.has(flag));
  return { allowed: true, requiresApproval, flags, ...(requiresApproval ? { reason: reasons.join('; ') } : {}), metadata };
}
