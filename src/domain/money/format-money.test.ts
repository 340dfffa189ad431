import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, toDecimalString } from './format-money.js';
import { money } from './money.js';

/** Formatting is exact for anything storage holds (a Postgres bigint), well beyond MAX_AMOUNT_MINOR. */
const PG_BIGINT_MAX = 9_223_372_036_854_775_807n;

/** U+00A0 no-break space and U+202F narrow no-break space, as ICU emits them. */
const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('toDecimalString', () => {
  it.each([
    [12600n, 'eur', '126.00'],
    [12650n, 'eur', '126.50'],
    [1n, 'eur', '0.01'],
    [0n, 'eur', '0.00'],
    [-5n, 'eur', '-0.05'],
    [-12600n, 'usd', '-126.00'],
    [1000n, 'jpy', '1000'],
    [0n, 'jpy', '0'],
    [-7n, 'jpy', '-7'],
    [1234n, 'bhd', '1.234'],
    [5n, 'bhd', '0.005'],
    [12345n, 'clf', '1.2345'],
    [9007199254740993n, 'eur', '90071992547409.93'],
    [PG_BIGINT_MAX, 'eur', '92233720368547758.07'],
  ])('%s %s → %s', (amountMinor, currency, expected) => {
    expect(toDecimalString(money(amountMinor, currency))).toBe(expected);
  });
});

describe('formatMoney', () => {
  it.each([
    // locale, minor units, currency, expected
    ['en', 12600n, 'eur', '€126.00'],
    ['fr', 12600n, 'eur', `126,00${NBSP}€`],
    ['de', 12600n, 'eur', `126,00${NBSP}€`],
    ['fr', 123456789n, 'eur', `1${NNBSP}234${NNBSP}567,89${NBSP}€`],
    ['en', -500n, 'eur', '-€5.00'],
    ['en', 123456789n, 'usd', '$1,234,567.89'],
    ['de', 123456789n, 'usd', `1.234.567,89${NBSP}$`],
    ['fr', 123456789n, 'usd', `1${NNBSP}234${NNBSP}567,89${NBSP}$US`],
    ['en', 1000n, 'jpy', '¥1,000'],
    ['ja', 1000n, 'jpy', '￥1,000'],
    ['de', 1000n, 'jpy', `1.000${NBSP}¥`],
    ['fr', 1000n, 'jpy', `1${NNBSP}000${NBSP}JPY`],
    ['en', 1234n, 'bhd', `BHD${NBSP}1.234`],
    ['de', 1234n, 'bhd', `1,234${NBSP}BHD`],
    ['fr', 1234n, 'bhd', `1,234${NBSP}BHD`],
    // Beyond 2^53: a float would print …409.92 or …409.94.
    ['en', 9007199254740993n, 'eur', '€90,071,992,547,409.93'],
    ['en', PG_BIGINT_MAX, 'eur', '€92,233,720,368,547,758.07'],
  ])('%s %s %s → %j', (locale, amountMinor, currency, expected) => {
    expect(formatMoney(money(amountMinor, currency), locale)).toBe(expected);
  });

  it('defaults to English', () => {
    expect(formatMoney(money(12600, 'eur'))).toBe('€126.00');
  });

  it('shows the ISO 4217 decimals even where CLDR would show fewer', () => {
    // CLDR displays IQD and ALL with 0 decimals; ISO 4217 (and our minor units) say 3 and 2.
    expect(formatMoney(money(1234, 'iqd'), 'en')).toBe(`IQD${NBSP}1.234`);
    expect(formatMoney(money(1234, 'all'), 'en')).toBe(`ALL${NBSP}12.34`);
    expect(formatMoney(money(12345, 'clf'), 'en')).toBe(`CLF${NBSP}1.2345`);
  });

  it('keeps every digit of the amount (en)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -PG_BIGINT_MAX, max: PG_BIGINT_MAX }), fc.constantFrom('eur', 'jpy', 'bhd'), (amountMinor, currency) => {
        const formatted = formatMoney(money(amountMinor, currency), 'en');
        const digits = formatted.replace(/[^0-9]/g, '');
        expect(BigInt(digits)).toBe(amountMinor < 0n ? -amountMinor : amountMinor);
      }),
      { numRuns: 200 },
    );
  });
});
