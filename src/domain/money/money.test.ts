import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { addMoney, compareMoney, isZero, money, negate, subtractMoney, type Money } from './money.js';

const eur = (amountMinor: bigint | number): Money => money(amountMinor, 'eur');

describe('money', () => {
  it('normalises the currency and converts numbers to bigint', () => {
    expect(money(12600, 'EUR')).toEqual({ amountMinor: 12600n, currency: 'eur' });
    expect(money(-5n, 'jpy')).toEqual({ amountMinor: -5n, currency: 'jpy' });
    expect(money(Number.MAX_SAFE_INTEGER, 'eur').amountMinor).toBe(9007199254740991n);
  });

  it('returns a frozen value', () => {
    expect(Object.isFrozen(eur(1))).toBe(true);
  });

  it.each([1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'refuses %d with AMOUNT_NOT_AN_INTEGER',
    (amount) => {
      expect(() => money(amount, 'eur')).toThrow(
        expect.objectContaining({ code: 'AMOUNT_NOT_AN_INTEGER', kind: 'invalid', details: { param: 'amount' } }),
      );
    },
  );

  it('refuses an unknown currency', () => {
    expect(() => money(1, 'xyz')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CURRENCY' }));
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, compares, negates', () => {
    expect(addMoney(eur(100), eur(50))).toEqual(eur(150));
    expect(subtractMoney(eur(100), eur(150))).toEqual(eur(-50));
    expect(compareMoney(eur(1), eur(2))).toBe(-1);
    expect(compareMoney(eur(2), eur(2))).toBe(0);
    expect(compareMoney(eur(3), eur(2))).toBe(1);
    expect(negate(eur(7))).toEqual(eur(-7));
    expect(isZero(eur(0))).toBe(true);
    expect(isZero(negate(eur(0)))).toBe(true);
    expect(isZero(eur(1))).toBe(false);
  });

  it('stays exact beyond 2^53', () => {
    const big = eur(9007199254740993n);
    expect(addMoney(big, eur(1)).amountMinor).toBe(9007199254740994n);
  });

  it.each([
    ['addMoney', () => addMoney(eur(1), money(1, 'usd'))],
    ['subtractMoney', () => subtractMoney(eur(1), money(1, 'jpy'))],
    ['compareMoney', () => compareMoney(money(1, 'bhd'), eur(1))],
  ])('%s refuses mixed currencies with CURRENCY_MISMATCH', (_name, run) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'CURRENCY_MISMATCH', kind: 'invalid' });
    expect((caught as AppError).message).toMatch(/[A-Z]{3} and [A-Z]{3}/);
  });

  const currencyArb = fc.constantFrom('eur', 'usd', 'jpy', 'bhd');
  const amountArb = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n });

  it('add and subtract are inverse', () => {
    fc.assert(
      fc.property(currencyArb, amountArb, amountArb, (currency, a, b) => {
        const x = money(a, currency);
        const y = money(b, currency);
        expect(subtractMoney(addMoney(x, y), y)).toEqual(x);
        expect(addMoney(subtractMoney(x, y), y)).toEqual(x);
      }),
      { numRuns: 200 },
    );
  });

  it('compareMoney agrees with the sign of the difference', () => {
    fc.assert(
      fc.property(amountArb, amountArb, (a, b) => {
        const difference = subtractMoney(eur(a), eur(b)).amountMinor;
        expect(compareMoney(eur(a), eur(b))).toBe(difference < 0n ? -1 : difference > 0n ? 1 : 0);
        expect(compareMoney(eur(b), eur(a))).toBe(-compareMoney(eur(a), eur(b)) || 0);
      }),
      { numRuns: 200 },
    );
  });
});
