import { AppError } from '../errors/index.js';
import { normalizeCurrency, type CurrencyCode } from './currency.js';

/**
 * An exact amount of one currency, in minor units (cents for EUR, yen for JPY). Arithmetic is
 * only defined between amounts of the same currency; there is no float anywhere.
 */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
}

/**
 * The one upper bound for amounts and balances, in minor units: 10^15 − 1 (9,999,999,999,999.99
 * EUR; docs/security.md "Amounts and balances"). Every amount the service takes (`parseAmount`,
 * the API's minor-unit fields, payments from Stripe events, each ledger posting) and every
 * ledger balance row (a database constraint) stays within ±it, checked before anything is
 * written. Chosen so that sums stay exact: 8 × it < 2^53 − 1, so an account's total over its
 * (at most 8) balance rows, or a creator's five balances added up, is still an exact JSON number
 * — where 2^53 − 1 itself, once doubled, is not.
 */
export const MAX_AMOUNT_MINOR = 999_999_999_999_999n;

/**
 * Build a `Money`, validating the currency and that the amount is a whole number of minor
 * units. Negative amounts are allowed (ledger postings are signed); range limits are
 * `MAX_AMOUNT_MINOR` and business rules, checked where they apply.
 * @throws AppError `AMOUNT_NOT_AN_INTEGER` when a number is not a safe integer;
 *   `UNKNOWN_CURRENCY` when the currency is unknown.
 * @example
 * money(12600, 'EUR'); // { amountMinor: 12600n, currency: 'eur' }
 */
export function money(amountMinor: bigint | number, currency: string): Money {
  const code = normalizeCurrency(currency);
  if (typeof amountMinor === 'bigint') return Object.freeze({ amountMinor, currency: code });
  if (!Number.isSafeInteger(amountMinor)) {
    throw new AppError(
      'AMOUNT_NOT_AN_INTEGER',
      `Amount must be a whole number of minor units (e.g. 12600 for 126.00 ${code.toUpperCase()}), got ${String(amountMinor)}`,
      { kind: 'invalid', details: { param: 'amount' } },
    );
  }
  return Object.freeze({ amountMinor: BigInt(amountMinor), currency: code });
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new AppError(
      'CURRENCY_MISMATCH',
      `Cannot combine ${a.currency.toUpperCase()} and ${b.currency.toUpperCase()} amounts`,
      { kind: 'invalid', details: { currencies: [a.currency, b.currency] } },
    );
  }
}

/**
 * `a + b`.
 * @throws AppError `CURRENCY_MISMATCH` when the currencies differ.
 * @example
 * addMoney(money(100, 'eur'), money(50, 'eur')); // 150n eur
 */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return Object.freeze({ amountMinor: a.amountMinor + b.amountMinor, currency: a.currency });
}

/**
 * `a - b` (may be negative).
 * @throws AppError `CURRENCY_MISMATCH` when the currencies differ.
 */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return Object.freeze({ amountMinor: a.amountMinor - b.amountMinor, currency: a.currency });
}

/**
 * -1, 0 or 1 as `a` is less than, equal to or greater than `b`; usable as a sort comparator.
 * @throws AppError `CURRENCY_MISMATCH` when the currencies differ.
 * @example
 * compareMoney(balance, requested) < 0; // balance is insufficient
 */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

export function isZero(m: Money): boolean {
  return m.amountMinor === 0n;
}

export function negate(m: Money): Money {
  return Object.freeze({ amountMinor: -m.amountMinor, currency: m.currency });
}
