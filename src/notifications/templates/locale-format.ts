import { formatMoney, isKnownCurrency } from '../../domain/money/index.js';
import type { NotificationLocale } from '../catalog.js';

/**
 * Numbers, amounts, dates and lists in one language, for the templates. One instance per
 * language, made once: the delivery worker renders hundreds of messages a second and an
 * `Intl` formatter costs far more to build than to use (`formatMoney` caches its own per
 * locale and currency).
 */
export interface LocaleFormat {
  locale: NotificationLocale;
  /**
   * An amount of integer minor units (a string such as `'12600'`, a safe integer or a bigint)
   * in the language's style: `€126.00`, `126,00 €`. Null for anything else or an unknown currency.
   */
  money(amountMinor: unknown, currency: unknown): string | null;
  /** An instant (ISO string or Date) with its date and time in UTC: `March 5, 2026 at 2:30 PM UTC`, `5 mars 2026 à 14:30 UTC`. Null when it is not a date. */
  dateTime(value: unknown): string | null;
  /** A day (ISO string or Date), UTC: `March 2, 2026`, `2 mars 2026`. Null when it is not a date. */
  date(value: unknown): string | null;
  /** A month (ISO string or Date), UTC: `March 2026`, `mars 2026`. Null when it is not a date. */
  month(value: unknown): string | null;
  /** A whole number with the language's grouping: `1,234`, `1 234`. */
  count(value: number): string;
  /** `a, b, and c` / `a, b et c`. */
  list(items: readonly string[]): string;
  /** The plural category of a count (`one` / `other`; French puts 0 in `one`). */
  plural(value: number): Intl.LDMLPluralRule;
}

const MINOR_UNITS = /^-?\d+$/;

function createLocaleFormat(locale: NotificationLocale): LocaleFormat {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  const dateFormat = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const monthFormat = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const countFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const listFormat = new Intl.ListFormat(locale, { type: 'conjunction' });
  const pluralRules = new Intl.PluralRules(locale);
  return {
    locale,
    money(amountMinor, currency) {
      if (typeof currency !== 'string' || !isKnownCurrency(currency)) return null;
      const minor = toMinorUnits(amountMinor);
      return minor === null ? null : formatMoney({ amountMinor: minor, currency: currency.toLowerCase() }, locale);
    },
    dateTime(value) {
      const date = toDate(value);
      return date === null ? null : dateTimeFormat.format(date);
    },
    date(value) {
      const date = toDate(value);
      return date === null ? null : dateFormat.format(date);
    },
    month(value) {
      const date = toDate(value);
      return date === null ? null : monthFormat.format(date);
    },
    count: (value) => countFormat.format(value),
    list: (items) => listFormat.format(items),
    plural: (value) => pluralRules.select(value),
  };
}

function toDate(value: unknown): Date | null {
  const date = value instanceof Date ? value : typeof value === 'string' && value.trim() !== '' ? new Date(value.trim()) : null;
  return date === null || Number.isNaN(date.getTime()) ? null : date;
}

/** Payload amounts are strings of minor units; numbers (Stripe's `amount_reversed`) and bigints are accepted too. */
function toMinorUnits(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : null;
  if (typeof value === 'string' && MINOR_UNITS.test(value.trim())) return BigInt(value.trim());
  return null;
}

const formats = new Map<NotificationLocale, LocaleFormat>();

/** The (cached) formatting of one language. */
export function localeFormat(locale: NotificationLocale): LocaleFormat {
  let format = formats.get(locale);
  if (format === undefined) {
    format = createLocaleFormat(locale);
    formats.set(locale, format);
  }
  return format;
}
