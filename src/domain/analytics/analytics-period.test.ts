import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.js';
import { eachDay, parseAnalyticsPeriod, periodDays } from './analytics-period.js';

describe('parseAnalyticsPeriod', () => {
  it('takes 7, 30, 90 and 365, and 30 when absent', () => {
    expect(['7', '30', '90', '365', ' 90 '].map(parseAnalyticsPeriod)).toEqual([7, 30, 90, 365, 90]);
    expect(parseAnalyticsPeriod(undefined)).toBe(30);
  });

  it('refuses anything else with INVALID_PERIOD', () => {
    for (const value of ['', '0', '14', '-7', '7.0', '1e1', 'thirty', '3650']) {
      let error: unknown;
      try {
        parseAnalyticsPeriod(value);
      } catch (caught) {
        error = caught;
      }
      expect(isAppError(error) && error.code === 'INVALID_PERIOD' && error.kind === 'invalid', value).toBe(true);
    }
  });
});

describe('periodDays', () => {
  it('ends with the UTC day of now and spans exactly the days asked for', () => {
    expect(periodDays(new Date('2026-03-15T23:30:00Z'), 7)).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(periodDays(new Date('2026-03-15T00:00:00Z'), 1)).toEqual({ from: '2026-03-15', to: '2026-03-15' });
    // Across a leap day and a year's end.
    expect(periodDays(new Date('2028-03-01T08:00:00Z'), 30)).toEqual({ from: '2028-02-01', to: '2028-03-01' });
    expect(periodDays(new Date('2027-01-05T12:00:00Z'), 365)).toEqual({ from: '2026-01-06', to: '2027-01-05' });
  });

  it('lists every day of a period once, in order', () => {
    const range = periodDays(new Date('2028-03-01T08:00:00Z'), 365);
    const days = eachDay(range);
    expect(days).toHaveLength(365);
    expect(days[0]).toBe(range.from);
    expect(days.at(-1)).toBe(range.to);
    expect(days).toContain('2028-02-29');
    expect(new Set(days).size).toBe(365);
  });
});
