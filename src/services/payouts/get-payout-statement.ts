import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments, payoutPayments, payouts } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { PayoutHistoryRow } from './list-payout-history.js';

/** One booking's payment on a payout statement. Amounts are minor units of the payout's currency. */
export interface PayoutStatementLine {
  paymentId: string;
  bookingId: string | null;
  paidAt: Date;
  /** What the customer paid. */
  grossAmount: bigint;
  /** The platform's fee. */
  feeAmount: bigint;
  /** The creator's share (gross − fee). */
  netAmount: bigint;
  /** The part of the share this payout covers (all of it, or part of a split payment). */
  coveredAmount: bigint;
  /** Set when the payout failed or was cancelled and the share went back to the payment. */
  releasedAt: Date | null;
}

export interface PayoutStatement extends PayoutHistoryRow {
  lines: PayoutStatementLine[];
  /** Sums of the lines; `coveredAmount` equals the payout's amount. */
  totals: { grossAmount: bigint; feeAmount: bigint; netAmount: bigint; coveredAmount: bigint };
}

/**
 * A payout and the payments it covers, as a statement (DESIGN.md §4): per booking its gross,
 * fee, net and the part this payout covers, oldest release first, with totals. With `creatorId`
 * (a creator asking) another creator's payout is PAYOUT_NOT_FOUND, as if it did not exist.
 */
export async function getPayoutStatement(db: DbExecutor, input: { payoutId: string; creatorId?: string | undefined }): Promise<PayoutStatement> {
  const [row] = await db
    .select({ payout: payouts, creatorLocale: creators.locale, creatorPayoutMode: creators.payoutMode })
    .from(payouts)
    .innerJoin(creators, eq(creators.id, payouts.creatorId))
    .where(eq(payouts.id, input.payoutId));
  if (!row || (input.creatorId !== undefined && row.payout.creatorId !== input.creatorId)) {
    throw new AppError('PAYOUT_NOT_FOUND', `No payout with id ${input.payoutId}`, { kind: 'not_found' });
  }
  const rows = await db
    .select({ link: payoutPayments, payment: payments })
    .from(payoutPayments)
    .innerJoin(payments, eq(payments.id, payoutPayments.paymentId))
    .where(eq(payoutPayments.payoutId, input.payoutId))
    .orderBy(payments.payoutReleaseDate, payments.id);
  const lines = rows.map(({ link, payment }) => ({
    paymentId: payment.id,
    bookingId: payment.bookingId,
    paidAt: payment.paidAt,
    grossAmount: payment.amount,
    feeAmount: payment.feeAmount,
    netAmount: payment.creatorAmount,
    coveredAmount: link.amount,
    releasedAt: link.releasedAt,
  }));
  const sum = (pick: (line: PayoutStatementLine) => bigint) => lines.reduce((total, line) => total + pick(line), 0n);
  return {
    ...row,
    lines,
    totals: { grossAmount: sum((l) => l.grossAmount), feeAmount: sum((l) => l.feeAmount), netAmount: sum((l) => l.netAmount), coveredAmount: sum((l) => l.coveredAmount) },
  };
}
