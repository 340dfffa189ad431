import { AppError } from '../errors/index.js';

export interface FeeSplit {
  feeAmount: bigint;
  creatorAmount: bigint;
}

/**
 * The platform's fee and the creator's share of a payment (DESIGN.md §3):
 * `fee = round_half_up(amount × feeBps / 10000)`, `creatorAmount = amount − fee`.
 * In minor units of the payment's currency, so a JPY payment rounds to whole yen.
 *
 * @example splitFee(7000n, 1000) // { feeAmount: 700n, creatorAmount: 6300n }
 */
export function splitFee(amount: bigint, feeBps: number): FeeSplit {
  if (amount <= 0n) throw new AppError('INVALID_AMOUNT', `a payment amount must be positive (got ${amount})`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000) {
    throw new AppError('INVALID_FEE', `a fee is 0 to 10000 basis points (got ${feeBps})`);
  }
  const feeAmount = (amount * BigInt(feeBps) + 5_000n) / 10_000n;
  return { feeAmount, creatorAmount: amount - feeAmount };
}
