import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creatorNetShare, creatorReturnedTotal, splitReturned } from './refund-split.js';
import { splitFee } from './split-fee.js';

describe('refund split (docs/refunds-and-disputes.md)', () => {
  it('rounds the cumulative creator part half up', () => {
    const payment = { amount: 999n, creatorAmount: 899n };
    expect(creatorReturnedTotal(payment, 333n)).toBe(300n); // 299.67
    expect(creatorReturnedTotal(payment, 666n)).toBe(599n); // 599.33
    expect(creatorReturnedTotal({ amount: 4n, creatorAmount: 2n }, 1n)).toBe(1n); // 0.5 → 1
    expect(splitReturned(payment, 333n, 333n)).toEqual({ creatorPart: 299n, feePart: 34n });
    expect(creatorNetShare(payment, 999n)).toBe(0n);
    expect(() => creatorReturnedTotal(payment, 1000n)).toThrow(RangeError);
  });

  it('any sequence of partial refunds: parts ≥ 0, each sums to its refund, and a full refund takes exactly the share and the fee', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 0, max: 10_000 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (amount, feeBps, weights) => {
        const { creatorAmount, feeAmount } = splitFee(amount, feeBps);
        const payment = { amount, creatorAmount };
        const total = BigInt(weights.reduce((a, b) => a + b, 0));
        let returned = 0n;
        let creatorSum = 0n;
        let feeSum = 0n;
        for (const [i, w] of weights.entries()) {
          const part = i === weights.length - 1 ? amount - returned : (amount * BigInt(w)) / total;
          if (part === 0n) continue;
          const { creatorPart, feePart } = splitReturned(payment, returned, part);
          expect(creatorPart >= 0n && feePart >= 0n).toBe(true);
          expect(creatorPart + feePart).toBe(part);
          returned += part;
          creatorSum += creatorPart;
          feeSum += feePart;
        }
        expect([creatorSum, feeSum]).toEqual([creatorAmount, feeAmount]);
      }),
    );
  });
});
