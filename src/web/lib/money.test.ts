import { describe, expect, it } from 'vitest';
import { formatAmountForInput, formatMoney, parseTypedAmount } from './money';

describe('web money formatting and typed amounts', () => {
  it('formats minor units in the user locale', () => {
    expect(formatMoney(123456, 'eur', 'en')).toBe('€1,234.56');
    expect(formatMoney(123456, 'eur', 'fr')).toBe('1\u202f234,56\u00a0€');
    expect(formatMoney(1000, 'jpy', 'en')).toBe('¥1,000');
  });

  it('prefills an input the way a person types it back', () => {
    expect(formatAmountForInput(12600, 'eur', 'fr')).toBe('126,00');
    expect(formatAmountForInput(12600, 'eur', 'en')).toBe('126.00');
    expect(formatAmountForInput(5, 'eur', 'en')).toBe('0.05');
    expect(formatAmountForInput(1000, 'jpy', 'fr')).toBe('1000');
    for (const locale of ['en', 'fr']) {
      for (const amount of [0, 1, 99, 12600, 123456789]) expect(parseTypedAmount(formatAmountForInput(amount, 'eur', locale), 'eur', locale)).toEqual({ ok: true, amountMinor: amount });
    }
  });

  it('reads French amounts exactly', () => {
    expect(parseTypedAmount('12,50', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 1250 });
    expect(parseTypedAmount('1 234,56', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 123456 });
    expect(parseTypedAmount('1\u202f234,56', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 123456 });
    expect(parseTypedAmount('12.50', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 1250 });
    expect(parseTypedAmount('0,1', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 10 });
  });

  it('reads English amounts exactly and refuses a comma that is not grouping', () => {
    expect(parseTypedAmount('126.00', 'eur', 'en')).toEqual({ ok: true, amountMinor: 12600 });
    expect(parseTypedAmount('1,234.56', 'eur', 'en')).toEqual({ ok: true, amountMinor: 123456 });
    expect(parseTypedAmount('12,50', 'eur', 'en')).toEqual({ ok: false, code: 'AMOUNT_DECIMAL_POINT' });
    expect(parseTypedAmount('12,5,0', 'eur', 'en')).toEqual({ ok: false, code: 'AMOUNT_NOT_A_NUMBER' });
    expect(parseTypedAmount('0.1', 'eur', 'en')).toEqual({ ok: true, amountMinor: 10 });
  });

  it('gives the domain parser’s codes for what it refuses', () => {
    expect(parseTypedAmount('', 'eur', 'en')).toEqual({ ok: false, code: 'AMOUNT_EMPTY' });
    expect(parseTypedAmount('abc', 'eur', 'fr')).toEqual({ ok: false, code: 'AMOUNT_NOT_A_NUMBER' });
    expect(parseTypedAmount('-5', 'eur', 'en')).toEqual({ ok: false, code: 'AMOUNT_NEGATIVE' });
    expect(parseTypedAmount('1,234', 'eur', 'fr')).toEqual({ ok: false, code: 'AMOUNT_TOO_MANY_DECIMALS' });
    expect(parseTypedAmount('1.5', 'jpy', 'en')).toEqual({ ok: false, code: 'AMOUNT_TOO_MANY_DECIMALS' });
    expect(parseTypedAmount('12.345.678,9', 'eur', 'fr')).toEqual({ ok: true, amountMinor: 1234567890 });
    expect(parseTypedAmount('1.23.4,5', 'eur', 'fr')).toEqual({ ok: false, code: 'AMOUNT_NOT_A_NUMBER' });
    expect(parseTypedAmount('99999999999999999', 'eur', 'en')).toEqual({ ok: false, code: 'AMOUNT_TOO_LARGE' });
  });
});
