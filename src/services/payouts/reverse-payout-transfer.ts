import { isAppError } from '../../domain/errors/index.js';
import type { ServiceContext } from '../context.js';
import type { Payout } from './create-payout.js';

/** The `reason` of a reversal the service makes because a bank payout failed for good: `bank_payout_failed:<code>`. */
export const BANK_PAYOUT_FAILED_REVERSAL_REASON = 'bank_payout_failed';

/**
 * Take a payout's transfer back from the creator's connected account because its bank payout
 * failed for good (the money sits in the connected balance): one Stripe call, idempotent by
 * payout and failure code, never inside a transaction. Returns the reversal id, or
 * `already_reversed` when Stripe says the transfer is reversed already (our key expired, or an
 * admin did it in the Dashboard) — the money is back all the same. The caller then fails the
 * payout with `moneyBack: 'reversal'`.
 */
export async function reverseTransferOfFailedBankPayout(context: Pick<ServiceContext, 'stripe'>, payout: Payout, code: string): Promise<string> {
  try {
    const reversal = await context.stripe.reverseTransfer({ payoutId: payout.id, transferId: payout.stripeTransferId!, reason: `${BANK_PAYOUT_FAILED_REVERSAL_REASON}:${code}` });
    return reversal.id;
  } catch (error) {
    if (isAppError(error) && (error.details as { stripeCode?: string } | undefined)?.stripeCode === 'transfer_already_reversed') return 'already_reversed';
    throw error;
  }
}
