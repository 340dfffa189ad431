import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { currencyExponent, isKnownCurrency, knownCurrencyCodes, normalizeCurrency } from './currency.js';

describe('normalizeCurrency', () => {
  it.each([
    ['EUR', 'eur'],
    ['eur', 'eur'],
    ['Jpy', 'jpy'],
    ['BHD', 'bhd'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeCurrency(input)).toBe(expected);
  });

  it.each(['', 'EU', 'EURO', 'xyz', ' eur', 'mga'])('refuses %j with UNKNOWN_CURRENCY', (input) => {
    const error = catchError(() => normalizeCurrency(input));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNKNOWN_CURRENCY', kind: 'invalid', details: { param: 'currency' } });
  });
});

describe('currencyExponent', () => {
  it.each([
    ['eur', 2],
    ['USD', 2],
    ['jpy', 0],
    ['krw', 0],
    ['bhd', 3],
    ['kwd', 3],
    ['clf', 4],
  ])('%s has %i decimals', (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('throws UNKNOWN_CURRENCY for an unknown code', () => {
    expect(() => currencyExponent('xyz')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CURRENCY' }));
  });
});

describe('isKnownCurrency / knownCurrencyCodes', () => {
  it('knows the ISO 4217 decimal currencies, in any letter case', () => {
    expect(isKnownCurrency('eur')).toBe(true);
    expect(isKnownCurrency('EUR')).toBe(true);
    expect(isKnownCurrency('xyz')).toBe(false);
    expect(knownCurrencyCodes.length).toBeGreaterThan(150);
    expect(knownCurrencyCodes).toContain('usd');
  });

  it('leaves out non-decimal currencies (MGA, MRU: base 5)', () => {
    expect(isKnownCurrency('mga')).toBe(false);
    expect(isKnownCurrency('mru')).toBe(false);
  });

  it('lists lower-case, sorted, unique codes', () => {
    expect(knownCurrencyCodes.every((code) => /^[a-z]{3}$/.test(code))).toBe(true);
    expect([...knownCurrencyCodes].sort()).toEqual(knownCurrencyCodes);
    expect(new Set(knownCurrencyCodes).size).toBe(knownCurrencyCodes.length);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
