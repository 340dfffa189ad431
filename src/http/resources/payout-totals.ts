import { z } from 'zod';
import type { PayoutStatus } from '../../domain/payouts/payout-status.js';
import { minorUnits } from './payment.js';

export const countAndAmountResource = z.object({ count: z.number().int(), amount: z.number().int().describe('Minor units') });

/** Count and amount of payouts for every status (each key always present). */
export const payoutsByStatusResource = z.object({
  PENDING_APPROVAL: countAndAmountResource,
  PENDING: countAndAmountResource,
  PROCESSING: countAndAmountResource,
  PAID: countAndAmountResource,
  FAILED: countAndAmountResource,
  CANCELLED: countAndAmountResource,
} satisfies Record<PayoutStatus, typeof countAndAmountResource>);

export function toPayoutsByStatus(byStatus: Record<PayoutStatus, { count: number; amount: bigint }>): z.infer<typeof payoutsByStatusResource> {
  const of = (status: PayoutStatus) => ({ count: byStatus[status].count, amount: minorUnits(byStatus[status].amount) });
  return { PENDING_APPROVAL: of('PENDING_APPROVAL'), PENDING: of('PENDING'), PROCESSING: of('PROCESSING'), PAID: of('PAID'), FAILED: of('FAILED'), CANCELLED: of('CANCELLED') };
}
