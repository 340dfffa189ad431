import type { NotificationLocale } from '../catalog.js';
import { localeFormat, type LocaleFormat } from './locale-format.js';

/** What a message says where the payload lacks an amount or a date. */
const unknown: Record<NotificationLocale, { amount: string; date: string }> = {
  en: { amount: '(amount unknown)', date: '(date unknown)' },
  fr: { amount: '(montant inconnu)', date: '(date inconnue)' },
};

/**
 * A message payload read leniently. Payloads are JSON written by older or newer code than the
 * template reading them (an outbox row can wait through a deployment), so a missing or odd field
 * must give a message that says less, never a delivery that fails: every reader returns null (or
 * a placeholder, for amounts and dates in sentences) instead of throwing.
 */
export class PayloadFields {
  private readonly format: LocaleFormat;

  constructor(
    private readonly payload: Record<string, unknown>,
    private readonly locale: NotificationLocale,
  ) {
    this.format = localeFormat(locale);
  }

  /** A non-empty string (trimmed), or a number as text; null otherwise. */
  text(key: string): string | null {
    const value = this.payload[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') return null;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }

  /** A whole number ≥ 0 (or a string of one); null otherwise. */
  count(key: string): number | null {
    const value = this.payload[key];
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : null;
  }

  /** `true` / `false` when the field is a boolean, null otherwise. */
  flag(key: string): boolean | null {
    const value = this.payload[key];
    return typeof value === 'boolean' ? value : null;
  }

  /** The non-empty strings of an array field (other items are skipped). */
  strings(key: string): string[] {
    const value = this.payload[key];
    if (!Array.isArray(value)) return [];
    return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
  }

  /** The object items of an array field, each read the same way. */
  records(key: string): PayloadFields[] {
    const value = this.payload[key];
    if (!Array.isArray(value)) return [];
    return value
      .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item))
      .map((item) => new PayloadFields(item, this.locale));
  }

  /** The amount in `key` (minor units) in the payload's `currency`, formatted; null when absent or malformed. */
  moneyOrNull(key = 'amount'): string | null {
    return this.format.money(this.payload[key], this.payload.currency);
  }

  /** Like `moneyOrNull`, with a placeholder ("(amount unknown)") for sentences that need an amount. */
  money(key = 'amount'): string {
    return this.moneyOrNull(key) ?? unknown[this.locale].amount;
  }

  /** Whether the amount in `key` is exactly zero (false when absent or malformed). */
  isZero(key: string): boolean {
    const value = this.payload[key];
    return value === 0 || value === '0' || value === 0n;
  }

  /** The instant in `key` with date and time (UTC); null when absent or not a date. */
  dateTimeOrNull(key: string): string | null {
    return this.format.dateTime(this.payload[key]);
  }

  /** Like `dateTimeOrNull`, with a placeholder for sentences that need a date. */
  dateTime(key: string): string {
    return this.dateTimeOrNull(key) ?? unknown[this.locale].date;
  }
}
