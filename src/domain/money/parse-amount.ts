import { AppError } from '../errors/index.js';
import { currencyExponent, normalizeCurrency } from './currency.js';
import { toDecimalString } from './format-money.js';
import { MAX_AMOUNT_MINOR, type Money } from './money.js';

/** Digits, optionally a `.` and at least one more digit. ASCII digits only. */
const AMOUNT_SYNTAX = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/** The bound has 15 digits; a longer number is too large without converting it. */
const MAX_SIGNIFICANT_DIGITS = MAX_AMOUNT_MINOR.toString().length;

function amountError(code: string, message: string): AppError {
  return new AppError(code, message, { kind: 'invalid', details: { param: 'amount' } });
}

/**
 * Read an amount a person typed in MAJOR units ("126.50") into exact minor units, working on
 * the digits (never through a float).
 *
 * Accepted: ASCII digits with an optional `.` followed by 1 to `exponent` digits, surrounded by
 * optional whitespace: "126", "126.5", "126.50", "0.5", "007". Refused, each with its own code
 * (AppError kind `invalid`, `details.param` = `'amount'`):
 * - `AMOUNT_EMPTY`: "" or only whitespace;
 * - `AMOUNT_NOT_A_NUMBER`: anything else not in the syntax above — letters, "1,5", "1 000",
 *   "1e3", "0x10", "+1", "+-1", ".5", "5.", "Infinity";
 * - `AMOUNT_NEGATIVE`: a well-formed number with a leading "-", including "-0";
 * - `AMOUNT_TOO_MANY_DECIMALS`: more decimals than the currency has, even trailing zeros
 *   ("1.230" EUR, "1000.0" JPY);
 * - `AMOUNT_TOO_LARGE`: more than `MAX_AMOUNT_MINOR` minor units (10^15 − 1, the service's
 *   one bound for amounts and balances);
 * - `UNKNOWN_CURRENCY` (`details.param` = `'currency'`), checked first.
 * Zero is accepted: minimums are business rules, checked elsewhere.
 *
 * @example
 * parseAmount(' 126.5 ', 'EUR'); // { amountMinor: 12650n, currency: 'eur' }
 * parseAmount('1000', 'jpy');    // { amountMinor: 1000n, currency: 'jpy' }
 * parseAmount('1.234', 'bhd');   // { amountMinor: 1234n, currency: 'bhd' }
 */
export function parseAmount(input: string, currency: string): Money {
  const code = normalizeCurrency(currency);
  const exponent = currencyExponent(code);
  const name = code.toUpperCase();
  const text = typeof input === 'string' ? input.trim() : undefined;

  if (text === '') throw amountError('AMOUNT_EMPTY', `Enter an amount in ${name}`);
  const match = text === undefined ? null : AMOUNT_SYNTAX.exec(text);
  if (match === null) {
    const example = exponent === 0 ? '1000' : `126.${'5'.padEnd(exponent, '0')}`;
    throw amountError(
      'AMOUNT_NOT_A_NUMBER',
      `${name} amounts must be written with digits and an optional "." decimal point, e.g. ${example}`,
    );
  }
  const [, sign = '', whole = '', fraction = ''] = match;

  if (sign === '-') throw amountError('AMOUNT_NEGATIVE', `${name} amount must not be negative`);
  if (fraction.length > exponent) {
    throw amountError(
      'AMOUNT_TOO_MANY_DECIMALS',
      exponent === 0 ? `${name} amounts have no decimal places` : `${name} amounts have at most ${exponent} decimal places`,
    );
  }
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=.)/, '');
  const amountMinor = digits.length > MAX_SIGNIFICANT_DIGITS ? undefined : BigInt(digits);
  if (amountMinor === undefined || amountMinor > MAX_AMOUNT_MINOR) {
    const limit = toDecimalString({ amountMinor: MAX_AMOUNT_MINOR, currency: code });
    throw amountError('AMOUNT_TOO_LARGE', `${name} amounts can be at most ${limit}`);
  }
  return Object.freeze({ amountMinor, currency: code });
}
