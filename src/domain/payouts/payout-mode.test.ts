import { describe, expect, it } from 'vitest';
import { effectivePayoutMode, effectivePayoutSchedule, isScheduledPayoutDay, schedulePeriod } from './payout-mode.js';

describe('effectivePayoutMode', () => {
  it.each([
    [null, 'manual', 'manual'],
    [null, 'automatic', 'automatic'],
    [null, 'scheduled', 'scheduled'],
    ['automatic', 'manual', 'automatic'],
    ['manual', 'automatic', 'manual'],
    ['scheduled', 'automatic', 'scheduled'],
  ] as const)('creator %s, platform %s → %s', (creator, platform, expected) => {
    expect(effectivePayoutMode({ payoutMode: creator }, { payoutMode: platform })).toBe(expected);
  });

  it('takes the creator schedule over the platform one', () => {
    expect(effectivePayoutSchedule({ payoutSchedule: null }, { payoutSchedule: 'weekly' })).toBe('weekly');
    expect(effectivePayoutSchedule({ payoutSchedule: 'monthly' }, { payoutSchedule: 'weekly' })).toBe('monthly');
  });
});

describe('schedulePeriod', () => {
  it.each([
    // 2026-11-23 is a Monday.
    ['2026-11-23T00:00:00Z', 'weekly:2026-11-23', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['2026-11-25T13:45:00Z', 'weekly:2026-11-23', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['2026-11-29T23:59:59Z', 'weekly:2026-11-23', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['2026-12-31T12:00:00Z', 'weekly:2026-12-28', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
  ])('weekly at %s is %s', (now, key, start, end) => {
    const period = schedulePeriod('weekly', new Date(now));
    expect({ key: period.key, start: period.start.toISOString(), end: period.end.toISOString() }).toEqual({ key, start, end });
  });

  it.each([
    ['2026-12-01T00:00:00Z', 'monthly:2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59Z', 'monthly:2026-12', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T08:00:00Z', 'monthly:2028-02', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ])('monthly at %s is %s', (now, key, start, end) => {
    const period = schedulePeriod('monthly', new Date(now));
    expect({ key: period.key, start: period.start.toISOString(), end: period.end.toISOString() }).toEqual({ key, start, end });
  });
});

describe('isScheduledPayoutDay', () => {
  const at = (iso: string, schedule: 'weekly' | 'monthly' = 'weekly') => {
    const now = new Date(iso);
    return isScheduledPayoutDay(schedulePeriod(schedule, now), now);
  };
  it('is the payout day and the two catch-up days after it', () => {
    expect(at('2026-11-23T00:10:00Z')).toBe(true); // Monday
    expect(at('2026-11-24T06:00:00Z')).toBe(true); // Tuesday: Monday's run was missed
    expect(at('2026-11-25T23:59:59Z')).toBe(true); // Wednesday
    expect(at('2026-11-26T00:00:00Z')).toBe(false); // Thursday
    expect(at('2026-11-29T12:00:00Z')).toBe(false); // Sunday
    expect(at('2026-12-01T00:10:00Z', 'monthly')).toBe(true);
    expect(at('2026-12-03T12:00:00Z', 'monthly')).toBe(true);
    expect(at('2026-12-04T00:00:00Z', 'monthly')).toBe(false);
    expect(at('2026-12-15T00:00:00Z', 'monthly')).toBe(false);
  });
});
