/** Every date and duration on a page goes through here, in the user's locale. */

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(value: string | Date, locale: string): string {
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(locale, format);
  }
  return format.format(typeof value === 'string' ? new Date(value) : value);
}

export function formatDate(value: string | Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(typeof value === 'string' ? new Date(value) : value);
}

const UNITS = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
] as const;

/**
 * A duration for people: "2 days, 3 hours, 4 minutes" (en) / "2 jours, 3 heures et 4 minutes" (fr).
 * `precision` limits how many units are shown (the largest first); seconds appear only under an hour
 * unless `withSeconds` is set (a live countdown); `short` abbreviates the units: "3 hr, 4 min" / "3 h et 4 min".
 */
export function formatDuration(totalSeconds: number, locale: string, options: { precision?: number; withSeconds?: boolean; short?: boolean } = {}): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [unit, seconds] of UNITS) {
    const value = Math.floor(rest / seconds);
    rest -= value * seconds;
    if (unit === 'second' && !options.withSeconds && totalSeconds >= 3_600) continue;
    if (value > 0 || (unit === 'second' && parts.length === 0)) {
      parts.push(new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: options.short ? 'short' : 'long' }).format(value));
    }
  }
  return new Intl.ListFormat(locale, { style: options.short ? 'short' : 'long', type: 'unit' }).format(parts.slice(0, options.precision ?? parts.length));
}

const RELATIVE_UNITS = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
] as const;

/**
 * How long ago (or how far ahead) `value` is from `now`, in the largest whole unit: "3 hours ago",
 * "yesterday" (en) / "il y a 3 heures", "hier" (fr). Under a minute either way is "now". Days are
 * counted in calendar days of the viewer's time zone, as "yesterday" and "avant-hier" mean: Dec 3
 * at 16:27 is "3 days ago" on Dec 6 at 16:00, though less than 72 hours have passed.
 */
export function formatRelativeTime(value: string | Date, locale: string, now: Date = new Date()): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const seconds = Math.round((date.getTime() - now.getTime()) / 1_000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) < size) continue;
    if (unit === 'day') return format.format(calendarDaysBetween(now, date), 'day');
    return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** Whole calendar days from `from` to `to` in the local time zone (rounded: a day with a DST change lasts 23 or 25 hours). */
function calendarDaysBetween(from: Date, to: Date): number {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((midnight(to) - midnight(from)) / 86_400_000);
}

/**
 * A calendar day the API gives as `YYYY-MM-DD` (the analytics' UTC days, a projected date), shown
 * as that same day whatever the viewer's time zone: "Dec 3, 2026" / "3 déc. 2026"; `short` for a
 * chart's axis: "Dec 3" / "3 déc.".
 */
export function formatDay(day: string, locale: string, style: 'medium' | 'short' = 'medium'): string {
  const options: Intl.DateTimeFormatOptions = style === 'short' ? { month: 'short', day: 'numeric', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(`${day}T00:00:00Z`));
}

/** An instant in few characters, for a chart's axis: "Dec 3, 06:00" / "3 déc., 06:00". */
export function formatShortDateTime(value: string | Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(typeof value === 'string' ? new Date(value) : value);
}
