import { currencyExponent } from './currency.js';
import type { Money } from './money.js';

/**
 * The amount in major units as a plain decimal string with exactly the currency's number of
 * decimals: no grouping, no symbol, `.` as the decimal point, `-` for negatives. Exact for any
 * size. `parseAmount` reads it back (for amounts ≥ 0).
 * @example
 * toDecimalString(money(12600, 'eur')); // '126.00'
 * toDecimalString(money(1000, 'jpy'));  // '1000'
 * toDecimalString(money(-5, 'bhd'));    // '-0.005'
 */
export function toDecimalString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const negative = m.amountMinor < 0n;
  const digits = (negative ? -m.amountMinor : m.amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: string, currency: string, exponent: number): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    // The exponent is forced because CLDR's display digits differ from ISO 4217 for some
    // currencies, and the amount must never be rounded for display.
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Format for people, in the given BCP 47 locale, with the currency's exact number of decimals.
 * The amount is handed to `Intl.NumberFormat` as a decimal string, so even amounts beyond
 * 2^53 minor units are shown exactly. Separators come from ICU: `fr` groups with a narrow
 * no-break space (U+202F) and puts a no-break space (U+00A0) before the symbol.
 * @throws RangeError for a malformed locale tag.
 * @example
 * formatMoney(money(12600, 'eur'));        // '€126.00'
 * formatMoney(money(12600, 'eur'), 'fr');  // '126,00 €' (U+00A0 before €)
 * formatMoney(money(1000, 'jpy'), 'ja');   // '￥1,000'
 */
export function formatMoney(m: Money, locale = 'en'): string {
  const exponent = currencyExponent(m.currency);
  return currencyFormatter(locale, m.currency, exponent).format(toDecimalString(m) as Intl.StringNumericLiteral);
}
