import { and, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { payouts } from '../../db/schema/index.js';
import { payoutStatuses, type PayoutStatus } from '../../domain/payouts/payout-status.js';
import { adminPayoutFilters, type ListPayoutsForAdminInput } from './list-payouts-for-admin.js';

export interface PayoutTotal {
  count: number;
  amount: bigint;
}

/** One currency's payouts by status: the summary cards of `/dashboard/admin/payouts` (seed 000). */
export interface PayoutTotals {
  currency: string;
  byStatus: Record<PayoutStatus, PayoutTotal>;
}

/**
 * Counts and amounts of payouts by currency and status, under the same creator and date filters
 * as the list (not its status filter: the cards show every status). The default currency comes
 * first and is always there, even with nothing in it; other currencies follow alphabetically.
 */
export async function summarizePayoutsForAdmin(
  db: DbExecutor,
  input: Pick<ListPayoutsForAdminInput, 'creatorId' | 'from' | 'to'> & { defaultCurrency: string },
): Promise<PayoutTotals[]> {
  const conditions = adminPayoutFilters({ creatorId: input.creatorId, from: input.from, to: input.to });
  const rows = await db
    .select({ currency: payouts.currency, status: payouts.status, count: sql<number>`count(*)::int`, amount: sql<string>`sum(${payouts.amount})::text` })
    .from(payouts)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .groupBy(payouts.currency, payouts.status);
  const empty = (): Record<PayoutStatus, PayoutTotal> => Object.fromEntries(payoutStatuses.map((status) => [status, { count: 0, amount: 0n }])) as Record<PayoutStatus, PayoutTotal>;
  const byCurrency = new Map<string, PayoutTotals>([[input.defaultCurrency, { currency: input.defaultCurrency, byStatus: empty() }]]);
  for (const row of rows) {
    const totals = byCurrency.get(row.currency) ?? { currency: row.currency, byStatus: empty() };
    totals.byStatus[row.status] = { count: Number(row.count), amount: BigInt(row.amount) };
    byCurrency.set(row.currency, totals);
  }
  const [first, ...others] = [...byCurrency.values()];
  return [first!, ...others.sort((a, b) => a.currency.localeCompare(b.currency))];
}
