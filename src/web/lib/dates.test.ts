import { describe, expect, it } from 'vitest';
import { formatDay, formatDuration, formatRelativeTime } from './dates';

const now = new Date('2026-03-10T12:00:00Z');

describe('formatRelativeTime', () => {
  it('says how long ago in the largest whole unit, in the user locale', () => {
    expect(formatRelativeTime('2026-03-10T09:00:00Z', 'en', now)).toBe('3 hours ago');
    expect(formatRelativeTime('2026-03-10T09:00:00Z', 'fr', now)).toBe('il y a 3 heures');
    expect(formatRelativeTime('2026-03-09T11:00:00Z', 'en', now)).toBe('yesterday');
    expect(formatRelativeTime('2026-03-08T12:00:00Z', 'fr', now)).toBe('avant-hier');
    expect(formatRelativeTime('2026-02-20T12:00:00Z', 'en', now)).toBe('2 weeks ago');
  });

  it('counts days in calendar days, as "yesterday" and "avant-hier" mean them (local time)', () => {
    const sundayAfternoon = new Date(2026, 11, 6, 16, 0);
    expect(formatRelativeTime(new Date(2026, 11, 3, 16, 27), 'en', sundayAfternoon)).toBe('3 days ago');
    expect(formatRelativeTime(new Date(2026, 11, 3, 16, 27), 'fr', sundayAfternoon)).toBe('il y a 3 jours');
    expect(formatRelativeTime(new Date(2026, 11, 4, 18, 0), 'fr', sundayAfternoon)).toBe('avant-hier');
    expect(formatRelativeTime(new Date(2026, 11, 4, 23, 0), 'en', new Date(2026, 11, 6, 0, 30))).toBe('2 days ago');
    expect(formatRelativeTime(new Date(2026, 11, 7, 9, 0), 'en', new Date(2026, 11, 5, 20, 0))).toBe('in 2 days');
  });

  it('calls anything within a minute "now", either way (clocks differ a little)', () => {
    expect(formatRelativeTime('2026-03-10T11:59:30Z', 'en', now)).toBe('now');
    expect(formatRelativeTime('2026-03-10T12:00:20Z', 'fr', now)).toBe('maintenant');
    expect(formatRelativeTime('2026-03-10T12:05:00Z', 'en', now)).toBe('in 5 minutes');
  });
});

describe('formatDay', () => {
  it('shows a YYYY-MM-DD day as that day in any time zone (the API\'s days are UTC days)', () => {
    expect(formatDay('2026-12-03', 'en')).toBe('Dec 3, 2026');
    expect(formatDay('2026-12-03', 'fr')).toBe('3 déc. 2026');
    expect(formatDay('2026-01-01', 'en', 'short')).toBe('Jan 1');
    expect(formatDay('2026-01-01', 'fr', 'short')).toBe('1 janv.');
  });
});

describe('formatDuration', () => {
  /** French puts no-break spaces between a number and its unit. */
  const spaced = (text: string) => text.replace(/\s/g, ' ');
  const seconds = 3 * 3_600 + 4 * 60 + 5;
  it('spells the units out, largest first, without seconds past an hour', () => {
    expect(formatDuration(seconds, 'en')).toBe('3 hours, 4 minutes');
    expect(spaced(formatDuration(seconds, 'fr'))).toBe('3 heures et 4 minutes');
    expect(formatDuration(192, 'en', { precision: 2 })).toBe('3 minutes, 12 seconds');
  });

  it('abbreviates them when short: a table column that must fit', () => {
    expect(formatDuration(seconds, 'en', { precision: 2, short: true })).toBe('3 hr, 4 min');
    expect(spaced(formatDuration(seconds, 'fr', { precision: 2, short: true }))).toBe('3 h et 4 min');
    expect(formatDuration(26 * 3_600 + 240, 'en', { precision: 2, short: true })).toBe('1 day, 2 hr');
  });
});
