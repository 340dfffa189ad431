/**
 * How money returned to a customer (a refund, or a lost chargeback) splits between the creator's
 * share and the platform's fee (docs/refunds-and-disputes.md). The rule is cumulative, so that
 * the parts of several partial refunds always add up to what one refund of the same total would
 * take, and a full refund takes exactly the creator's share and the fee:
 *
 *     creatorReturnedTotal(R) = round_half_up(R × creatorAmount / amount)
 *     creator part of a refund r after R = creatorReturnedTotal(R + r) − creatorReturnedTotal(R)
 *     fee part = r − creator part
 */
export interface PaymentShares {
  amount: bigint;
  creatorAmount: bigint;
}

/** round_half_up(returned × creatorAmount / amount), exact in bigint. `returned` ∈ [0, amount]. */
export function creatorReturnedTotal(payment: PaymentShares, returned: bigint): bigint {
  if (returned < 0n || returned > payment.amount) throw new RangeError(`returned ${returned} is outside 0..${payment.amount}`);
  if (payment.amount === 0n) return 0n;
  return (2n * returned * payment.creatorAmount + payment.amount) / (2n * payment.amount);
}

/** The split of `amount` returned after `alreadyReturned` had been. Parts are ≥ 0 and sum to `amount`. */
export function splitReturned(payment: PaymentShares, alreadyReturned: bigint, amount: bigint): { creatorPart: bigint; feePart: bigint } {
  const creatorPart = creatorReturnedTotal(payment, alreadyReturned + amount) - creatorReturnedTotal(payment, alreadyReturned);
  return { creatorPart, feePart: amount - creatorPart };
}

/** The creator's share still theirs once `returned` has gone back to the customer. */
export function creatorNetShare(payment: PaymentShares, returned: bigint): bigint {
  return payment.creatorAmount - creatorReturnedTotal(payment, returned);
}
