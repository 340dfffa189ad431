import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { toDecimalString } from './format-money.js';
import { MAX_AMOUNT_MINOR, money } from './money.js';
import { parseAmount } from './parse-amount.js';

describe('parseAmount: valid input', () => {
  it.each([
    ['126.00', 'eur', 12600n],
    ['126', 'eur', 12600n],
    ['126.5', 'eur', 12650n],
    ['126.50', 'EUR', 12650n],
    ['0.5', 'eur', 50n],
    ['0.01', 'eur', 1n],
    ['0', 'eur', 0n],
    ['0.00', 'eur', 0n],
    ['007', 'eur', 700n],
    ['  126.5\n', 'eur', 12650n],
    ['\t1\u00a0', 'usd', 100n],
    ['1000', 'jpy', 1000n],
    ['1000', 'JPY', 1000n],
    ['1.234', 'bhd', 1234n],
    ['1.2', 'bhd', 1200n],
    ['9999999999999.99', 'eur', MAX_AMOUNT_MINOR],
    ['999999999999999', 'jpy', MAX_AMOUNT_MINOR],
    ['9999999999999.95', 'eur', 999999999999995n], // 9999999999999.95 * 100 is 999999999999994.9 in floats
    ['0000000000000000000000000.01', 'eur', 1n],
  ])('%j %s → %s', (input, currency, expected) => {
    expect(parseAmount(input, currency)).toEqual({ amountMinor: expected, currency: currency.toLowerCase() });
  });
});

describe('parseAmount: refused input', () => {
  it.each([
    ['', 'eur', 'AMOUNT_EMPTY'],
    ['   ', 'eur', 'AMOUNT_EMPTY'],
    ['abc', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['12a', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['1,5', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['1 000', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['1e3', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['0x10', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['+1', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['+-1', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['--1', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['-', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['.5', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['5.', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['1.2.3', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['Infinity', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['NaN', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['€5', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['\u0661\u0662', 'eur', 'AMOUNT_NOT_A_NUMBER'],
    ['-1', 'eur', 'AMOUNT_NEGATIVE'],
    ['-0.01', 'eur', 'AMOUNT_NEGATIVE'],
    ['-0', 'eur', 'AMOUNT_NEGATIVE'],
    ['1.234', 'eur', 'AMOUNT_TOO_MANY_DECIMALS'],
    ['1.230', 'eur', 'AMOUNT_TOO_MANY_DECIMALS'],
    ['1000.0', 'jpy', 'AMOUNT_TOO_MANY_DECIMALS'],
    ['1.2345', 'bhd', 'AMOUNT_TOO_MANY_DECIMALS'],
    ['10000000000000.00', 'eur', 'AMOUNT_TOO_LARGE'],
    ['1000000000000000', 'jpy', 'AMOUNT_TOO_LARGE'],
    ['9007199254740991', 'jpy', 'AMOUNT_TOO_LARGE'],
    ['90071992547409.93', 'eur', 'AMOUNT_TOO_LARGE'],
    ['9223372036854775808', 'jpy', 'AMOUNT_TOO_LARGE'],
    ['9'.repeat(10_000), 'eur', 'AMOUNT_TOO_LARGE'],
  ])('%j %s → %s', (input, currency, code) => {
    const error = catchError(() => parseAmount(input, currency));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, kind: 'invalid', details: { param: 'amount' } });
  });

  it('refuses an unknown currency before looking at the amount', () => {
    expect(catchError(() => parseAmount('abc', 'xyz'))).toMatchObject({
      code: 'UNKNOWN_CURRENCY',
      kind: 'invalid',
      details: { param: 'currency' },
    });
  });

  it('refuses a non-string at run time (untyped callers)', () => {
    expect(catchError(() => parseAmount(12 as unknown as string, 'eur'))).toMatchObject({ code: 'AMOUNT_NOT_A_NUMBER' });
  });

  it.each([
    ['1.234', 'eur', 'EUR amounts have at most 2 decimal places'],
    ['1.5', 'jpy', 'JPY amounts have no decimal places'],
    ['1.2345', 'bhd', 'BHD amounts have at most 3 decimal places'],
    ['10000000000000.00', 'eur', 'EUR amounts can be at most 9999999999999.99'],
    ['-1', 'usd', 'USD amount must not be negative'],
    ['', 'eur', 'Enter an amount in EUR'],
    ['1,5', 'eur', 'EUR amounts must be written with digits and an optional "." decimal point, e.g. 126.50'],
    ['x', 'jpy', 'JPY amounts must be written with digits and an optional "." decimal point, e.g. 1000'],
  ])('%j %s explains: %s', (input, currency, message) => {
    expect(catchError(() => parseAmount(input, currency))).toHaveProperty('message', message);
  });
});

describe('parseAmount: properties', () => {
  const currencyArb = fc.constantFrom('eur', 'usd', 'jpy', 'bhd', 'krw', 'kwd', 'clf');

  it('reads back toDecimalString for every storable amount', () => {
    fc.assert(
      fc.property(currencyArb, fc.bigInt({ min: 0n, max: MAX_AMOUNT_MINOR }), (currency, amountMinor) => {
        const m = money(amountMinor, currency);
        expect(parseAmount(toDecimalString(m), currency)).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but an AppError with details.param = amount', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (input) => {
        try {
          parseAmount(input, 'eur');
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).details).toEqual({ param: 'amount' });
        }
      }),
      { numRuns: 300 },
    );
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
