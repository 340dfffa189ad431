import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePayoutLimits, startOfCalendarMonth, type PayoutLimitInput, type PayoutLimits } from './limits.js';

/** DESIGN.md §8's defaults (seed 002 §6). */
const limits: PayoutLimits = {
  maxSinglePayoutMinor: 10_000_00,
  approvalThresholdMinor: 5_000_00,
  maxPayoutsPerDay: 3,
  maxDailyPayoutMinor: 25_000_00,
  maxMonthlyPayoutMinor: 100_000_00,
  newAccountDays: 30,
  newAccountMaxPayoutMinor: 1_000_00,
  minSecondsBetweenPayouts: 300,
  suspiciousPayoutsPerDay: 5,
  suspiciousEarningsPercent: 80,
  firstPayoutReviewMinor: 2_000_00,
};

const now = new Date('2026-03-15T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const hoursAgo = (hours: number) => secondsAgo(hours * 3600);

/** user123 of seed 002 §8: a year-old account with a history and large earnings. */
const established: PayoutLimitInput = {
  amount: 100_00n,
  currency: 'usd',
  now,
  accountCreatedAt: daysAgo(365),
  recentPayouts: [],
  monthlyPayoutAmount: 0n,
  lifetimeEarnings: 1_000_000_00n,
  earlierPayoutCount: 10,
  lastRequestAt: daysAgo(10),
};
/** newUser of seed 002 §8. */
const newUser: PayoutLimitInput = { ...established, accountCreatedAt: daysAgo(15), lifetimeEarnings: 5_000_00n, earlierPayoutCount: 0, lastRequestAt: null };

type Expected = { allowed: boolean; code?: string; requiresApproval?: boolean; flags?: string[] };

const cases: Array<[string, Partial<PayoutLimitInput> & { base?: PayoutLimitInput }, Expected, Partial<PayoutLimits>?]> = [
  // Seed 002 §8's three examples.
  ['seed: user123 10001_00 → refused EXCEEDS_SINGLE_LIMIT', { amount: 10_001_00n }, { allowed: false, code: 'EXCEEDS_SINGLE_LIMIT' }],
  ['seed: user123 6000_00 → REQUIRES_ADMIN_APPROVAL', { amount: 6_000_00n }, { allowed: true, requiresApproval: true, flags: ['REQUIRES_ADMIN_APPROVAL'] }],
  ['seed: newUser 1500_00 → refused EXCEEDS_NEW_ACCOUNT_LIMIT', { base: newUser, amount: 1_500_00n }, { allowed: false, code: 'EXCEEDS_NEW_ACCOUNT_LIMIT', flags: ['NEW_ACCOUNT'] }],
  // 1. single maximum
  ['single: exactly the maximum passes (flagged by the threshold)', { amount: 10_000_00n }, { allowed: true, requiresApproval: true, flags: ['REQUIRES_ADMIN_APPROVAL'] }],
  ['single: one cent over is refused', { amount: 10_000_01n }, { allowed: false, code: 'EXCEEDS_SINGLE_LIMIT' }],
  ['single: refused before anything else (new account, too soon)', { base: newUser, amount: 10_000_01n, lastRequestAt: secondsAgo(1) }, { allowed: false, code: 'EXCEEDS_SINGLE_LIMIT', flags: [] }],
  // 2. approval threshold
  ['approval: exactly the threshold is not flagged', { amount: 5_000_00n }, { allowed: true, requiresApproval: false, flags: [] }],
  ['approval: one cent over is flagged', { amount: 5_000_01n }, { allowed: true, requiresApproval: true, flags: ['REQUIRES_ADMIN_APPROVAL'] }],
  // 3. new account
  ['new account: the maximum passes, flagged NEW_ACCOUNT for information only', { base: newUser, amount: 1_000_00n }, { allowed: true, requiresApproval: false, flags: ['NEW_ACCOUNT'] }],
  ['new account: one cent over is refused', { base: newUser, amount: 1_000_01n }, { allowed: false, code: 'EXCEEDS_NEW_ACCOUNT_LIMIT' }],
  ['new account: 29.99 days old is still new', { base: newUser, accountCreatedAt: secondsAgo(30 * 86400 - 1), amount: 1_000_01n }, { allowed: false, code: 'EXCEEDS_NEW_ACCOUNT_LIMIT' }],
  ['new account: 30 days old is not', { base: newUser, accountCreatedAt: daysAgo(30), amount: 1_000_01n }, { allowed: true, flags: [] }],
  ['new account: above the threshold too → refused by the new-account rule, after the approval flag', { base: newUser, amount: 7_500_00n }, { allowed: false, code: 'EXCEEDS_NEW_ACCOUNT_LIMIT', flags: ['REQUIRES_ADMIN_APPROVAL', 'NEW_ACCOUNT'] }],
  // 3b. minimum time between requests
  ['too soon: 299 s after the last request is refused', { lastRequestAt: secondsAgo(299) }, { allowed: false, code: 'TOO_SOON_AFTER_PREVIOUS' }],
  ['too soon: 300 s after passes', { lastRequestAt: secondsAgo(300) }, { allowed: true, flags: [] }],
  ['too soon: switched off with 0', { lastRequestAt: secondsAgo(0) }, { allowed: true }, { minSecondsBetweenPayouts: 0 }],
  // 4. daily count
  [
    'daily count: 2 payouts in 24 h → a third passes',
    { recentPayouts: [{ amount: 100n, requestedAt: hoursAgo(2) }, { amount: 100n, requestedAt: hoursAgo(1) }], lastRequestAt: hoursAgo(1) },
    { allowed: true },
  ],
  [
    'daily count: 3 payouts in 24 h → refused',
    { recentPayouts: [1, 2, 3].map((h) => ({ amount: 100n, requestedAt: hoursAgo(h) })), lastRequestAt: hoursAgo(1) },
    { allowed: false, code: 'EXCEEDS_DAILY_COUNT' },
  ],
  [
    'daily count: a payout 24 h ago no longer counts',
    { recentPayouts: [{ amount: 100n, requestedAt: hoursAgo(24) }, ...[1, 2].map((h) => ({ amount: 100n, requestedAt: hoursAgo(h) }))], lastRequestAt: hoursAgo(1) },
    { allowed: true },
  ],
  // 5. daily amount
  [
    'daily amount: reaching 25 000.00 exactly passes',
    { amount: 5_000_00n, recentPayouts: [{ amount: 10_000_00n, requestedAt: hoursAgo(5) }, { amount: 10_000_00n, requestedAt: hoursAgo(4) }], monthlyPayoutAmount: 20_000_00n },
    { allowed: true, requiresApproval: false },
  ],
  [
    'daily amount: one cent over is refused',
    { amount: 5_000_01n, recentPayouts: [{ amount: 10_000_00n, requestedAt: hoursAgo(5) }, { amount: 10_000_00n, requestedAt: hoursAgo(4) }], monthlyPayoutAmount: 20_000_00n },
    { allowed: false, code: 'EXCEEDS_DAILY_AMOUNT', flags: ['REQUIRES_ADMIN_APPROVAL'] },
  ],
  // 6. monthly amount
  ['monthly: reaching 100 000.00 exactly passes', { amount: 1_000_00n, monthlyPayoutAmount: 99_000_00n }, { allowed: true }],
  ['monthly: one cent over is refused', { amount: 1_000_01n, monthlyPayoutAmount: 99_000_00n }, { allowed: false, code: 'EXCEEDS_MONTHLY_AMOUNT' }],
  // 7. suspicious patterns
  [
    'frequency: the 5th request in 24 h (refused ones included) is flagged',
    { recentPayouts: [{ amount: 100n, requestedAt: hoursAgo(3) }, { amount: 100n, requestedAt: hoursAgo(2) }], recentBlockedAttempts: 2, lastRequestAt: hoursAgo(1) },
    { allowed: true, requiresApproval: true, flags: ['HIGH_FREQUENCY'] },
  ],
  [
    'frequency: the 4th is not',
    { recentPayouts: [{ amount: 100n, requestedAt: hoursAgo(3) }, { amount: 100n, requestedAt: hoursAgo(2) }], recentBlockedAttempts: 1, lastRequestAt: hoursAgo(1) },
    { allowed: true, requiresApproval: false, flags: [] },
  ],
  ['earnings share: exactly 80 % is not flagged', { amount: 800_00n, lifetimeEarnings: 1_000_00n }, { allowed: true, requiresApproval: false, flags: [] }],
  ['earnings share: above 80 % is flagged', { amount: 800_01n, lifetimeEarnings: 1_000_00n }, { allowed: true, requiresApproval: true, flags: ['LARGE_SHARE_OF_EARNINGS'] }],
  ['earnings share: not judged on a first payout', { amount: 126_00n, lifetimeEarnings: 126_00n, earlierPayoutCount: 0, lastRequestAt: null }, { allowed: true, requiresApproval: false, flags: [] }],
  ['first payout: exactly 2 000.00 is not flagged', { amount: 2_000_00n, earlierPayoutCount: 0 }, { allowed: true, requiresApproval: false, flags: [] }],
  ['first payout: above 2 000.00 is flagged', { amount: 2_000_01n, earlierPayoutCount: 0 }, { allowed: true, requiresApproval: true, flags: ['LARGE_FIRST_PAYOUT'] }],
  [
    'several flags at once, in rule order',
    { amount: 6_000_00n, earlierPayoutCount: 0, lifetimeEarnings: 6_000_00n },
    { allowed: true, requiresApproval: true, flags: ['REQUIRES_ADMIN_APPROVAL', 'LARGE_FIRST_PAYOUT'] },
  ],
];

describe('evaluatePayoutLimits (seed 002 §6)', () => {
  it.each(cases)('%s', (_name, { base, ...overrides }, expected, limitOverrides) => {
    const result = evaluatePayoutLimits({ ...(base ?? established), ...overrides }, { ...limits, ...limitOverrides });
    expect(result.allowed).toBe(expected.allowed);
    expect(result.code).toBe(expected.code);
    if (expected.requiresApproval !== undefined) expect(result.requiresApproval).toBe(expected.requiresApproval);
    if (expected.flags !== undefined) expect(result.flags).toEqual(expected.flags);
    if (!result.allowed) {
      expect(result.requiresApproval).toBe(false);
      expect(result.reason).toEqual(expect.any(String));
      expect(result.metadata.limit).toEqual(expect.any(Number));
    }
    if (result.requiresApproval) expect(result.reason).toEqual(expect.any(String));
  });

  it("returns seed 002's metadata fields", () => {
    const result = evaluatePayoutLimits(
      { ...newUser, amount: 500_00n, recentPayouts: [{ amount: 200_00n, requestedAt: hoursAgo(6) }, { amount: 50_00n, requestedAt: hoursAgo(30) }], monthlyPayoutAmount: 250_00n, earlierPayoutCount: 2, lastRequestAt: hoursAgo(6) },
      limits,
    );
    expect(result).toEqual({
      allowed: true,
      requiresApproval: false,
      flags: ['NEW_ACCOUNT'],
      metadata: {
        isNewAccount: true,
        accountAgeDays: 15,
        dailyPayoutCount: 1,
        dailyPayoutAmount: 200_00,
        monthlyPayoutAmount: 250_00,
        lifetimeEarnings: 5_000_00,
        shareOfLifetimeEarningsPercent: 10,
        isFirstPayout: false,
        recentRequestCount: 2,
        secondsSinceLastRequest: 6 * 3600,
      },
    });
  });

  it('says why in words a reviewer reads, and when to come back after a refusal for being too soon', () => {
    const flagged = evaluatePayoutLimits({ ...established, amount: 6_000_00n }, limits);
    expect(flagged.reason).toBe('Amount $6,000.00 exceeds $5,000.00');
    const tooSoon = evaluatePayoutLimits({ ...established, lastRequestAt: secondsAgo(120) }, limits);
    expect(tooSoon).toMatchObject({ allowed: false, code: 'TOO_SOON_AFTER_PREVIOUS', metadata: { retryAfterSeconds: 180, limit: 300 } });
    const refused = evaluatePayoutLimits({ ...newUser, amount: 1_500_00n }, limits);
    expect(refused.reason).toBe('New account (15 days old): at most $1,000.00 per payout during the first 30 days');
  });

  it('never refuses an amount within every limit, and flags exactly when a flag applies', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 20_000_00n }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 5 }), (amount, ageDays, earlier) => {
        const result = evaluatePayoutLimits({ ...established, amount, accountCreatedAt: daysAgo(ageDays), earlierPayoutCount: earlier }, limits);
        const newAccount = ageDays < 30;
        const refusedExpected = amount > 10_000_00n || (newAccount && amount > 1_000_00n);
        expect(result.allowed).toBe(!refusedExpected);
        if (result.allowed) expect(result.requiresApproval).toBe(amount > 5_000_00n || (earlier === 0 && amount > 2_000_00n));
      }),
    );
  });

  it('takes the calendar month in UTC', () => {
    expect(startOfCalendarMonth(new Date('2026-03-31T23:59:59Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(startOfCalendarMonth(new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
