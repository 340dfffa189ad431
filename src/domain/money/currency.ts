import * as iso4217 from 'dinero.js/currencies';
import { AppError } from '../errors/index.js';

/**
 * A lower-case ISO 4217 code, as Stripe writes it: `'eur'`, `'jpy'`. Only values returned by
 * `normalizeCurrency` (or checked with `isKnownCurrency`) should flow into the core.
 */
export type CurrencyCode = string;

/**
 * Minor-unit exponent per currency, from dinero.js's ISO 4217 table (EUR 2, JPY 0, BHD 3).
 * Currencies whose minor unit is not a power of ten (MGA and MRU, base 5) are left out: a
 * decimal amount such as "1.3" means nothing in them, and Stripe does not use that unit either.
 */
const exponentByCode: ReadonlyMap<CurrencyCode, number> = new Map(
  Object.values(iso4217)
    .filter((currency) => currency.base === 10)
    .map((currency) => [currency.code.toLowerCase(), currency.exponent]),
);

/** Every currency the service accepts, lower-case and sorted. */
export const knownCurrencyCodes: ReadonlyArray<CurrencyCode> = [...exponentByCode.keys()].sort();

/** Whether `code` (any letter case) is a currency the service accepts. */
export function isKnownCurrency(code: string): boolean {
  return exponentByCode.has(code.toLowerCase());
}

/**
 * Validate a currency code and return it in the lower-case form used everywhere inside.
 * @throws AppError `UNKNOWN_CURRENCY` (kind `invalid`, `details.param` = `'currency'`).
 * @example
 * normalizeCurrency('EUR'); // 'eur'
 */
export function normalizeCurrency(input: string): CurrencyCode {
  const code = typeof input === 'string' ? input.toLowerCase() : '';
  if (!exponentByCode.has(code)) {
    const shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 16)) : 'that value';
    throw new AppError('UNKNOWN_CURRENCY', `Unknown currency ${shown}: expected an ISO 4217 code such as eur or usd`, {
      kind: 'invalid',
      details: { param: 'currency' },
    });
  }
  return code;
}

/**
 * Number of decimal places of the currency's minor unit: how many minor units make one major
 * unit is `10 ** currencyExponent(code)`.
 * @throws AppError `UNKNOWN_CURRENCY` for a code `isKnownCurrency` refuses.
 * @example
 * currencyExponent('eur'); // 2
 * currencyExponent('JPY'); // 0
 */
export function currencyExponent(code: string): number {
  const exponent = exponentByCode.get(normalizeCurrency(code));
  if (exponent === undefined) throw new Error('unreachable: normalizeCurrency accepted an unknown code');
  return exponent;
}
