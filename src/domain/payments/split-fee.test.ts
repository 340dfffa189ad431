import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitFee } from './split-fee.js';
import { payoutReleaseDate } from './release-date.js';

describe('splitFee', () => {
  it.each([
    [7000n, 1000, 700n, 6300n], // 70.00 EUR at 10 %
    [12600n, 1000, 1260n, 11340n],
    [1005n, 1000, 101n, 904n], // 100.5 rounds half up
    [1004n, 1000, 100n, 904n], // 100.4 rounds down
    [999n, 1000, 100n, 899n], // JPY 999 at 10 % = 99.9 → 100 yen
    [1n, 1000, 0n, 1n],
    [5n, 1000, 1n, 4n], // 0.5 rounds up
    [10000n, 1250, 1250n, 8750n], // 12.5 %
    [10000n, 0, 0n, 10000n],
    [10000n, 10000, 10000n, 0n],
  ])('%s at %s bps → fee %s, creator %s', (amount, bps, fee, creator) => {
    expect(splitFee(amount, bps)).toEqual({ feeAmount: fee, creatorAmount: creator });
  });

  it('always sums to the amount and never rounds by more than half a unit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const { feeAmount, creatorAmount } = splitFee(amount, bps);
        expect(feeAmount + creatorAmount).toBe(amount);
        const exactTimes2 = (amount * BigInt(bps) * 2n) / 10_000n;
        expect(feeAmount * 2n - exactTimes2).toBeLessThanOrEqual(1n);
        expect(exactTimes2 - feeAmount * 2n).toBeLessThanOrEqual(1n);
      }),
    );
  });

  it.each([
    [0n, 1000, 'INVALID_AMOUNT'],
    [-5n, 1000, 'INVALID_AMOUNT'],
    [100n, 10_001, 'INVALID_FEE'],
    [100n, 12.5, 'INVALID_FEE'],
  ])('refuses %s at %s bps', (amount, bps, code) => {
    expect(() => splitFee(amount, bps)).toThrow(expect.objectContaining({ code }));
  });
});

describe('payoutReleaseDate', () => {
  it('adds the holding period', () => {
    expect(payoutReleaseDate(new Date('2026-11-01T10:00:00Z'), 72).toISOString()).toBe('2026-11-04T10:00:00.000Z');
    expect(payoutReleaseDate(new Date('2026-11-01T10:00:00Z'), 0).toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });
});
