import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payouts, users } from '../../db/schema/index.js';
import type { PayoutStatus } from '../../domain/payouts/payout-status.js';
import { balances, creatorAccount } from '../../ledger/index.js';
import { cursorDate, decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';
import type { Payout } from './create-payout.js';

export interface AdminPayoutRow {
  payout: Payout;
  creatorName: string;
  creatorEmail: string;
  /** The creator's connected account now (the payout's own is fixed when processing starts). */
  creatorStripeAccountId: string | null;
  /** The creator's ledger `available` in the payout's currency, now. */
  availableBalance: bigint;
}

export type AdminPayoutOrder = 'asc' | 'desc';

export interface ListPayoutsForAdminInput {
  status?: PayoutStatus | undefined;
  creatorId?: string | undefined;
  /** Requested at or after this instant. */
  from?: Date | undefined;
  /** Requested before this instant. */
  to?: Date | undefined;
  /**
   * By request time: `asc` oldest first, `desc` newest first. Default: `asc` for the queues that
   * wait for an admin (status PENDING_APPROVAL or PENDING: who waited longest first, seed 002 §7),
   * else `desc`.
   */
  order?: AdminPayoutOrder | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** The order a list gets when none is asked for: queues first-come first-served, history newest first. */
export function defaultAdminPayoutOrder(status: PayoutStatus | undefined): AdminPayoutOrder {
  return status === 'PENDING_APPROVAL' || status === 'PENDING' ? 'asc' : 'desc';
}

/** The filters every admin payout query shares (the list's and the summary's, which ignores the status). */
export function adminPayoutFilters(input: Pick<ListPayoutsForAdminInput, 'status' | 'creatorId' | 'from' | 'to'>): SQL[] {
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(payouts.status, input.status));
  if (input.creatorId) conditions.push(eq(payouts.creatorId, input.creatorId));
  if (input.from) conditions.push(sql`${payouts.requestedAt} >= ${input.from.toISOString()}::timestamptz`);
  if (input.to) conditions.push(sql`${payouts.requestedAt} < ${input.to.toISOString()}::timestamptz`);
  return conditions;
}

/**
 * The admin's payout list (seed 000 `GET /api/admin/payouts`, seed 002's approval queue), filtered
 * by status, creator and request dates, ordered by request time, with the creator's name, email
 * and available balance (from the ledger, one query for the page). The cursor is opaque: the
 * position after the page's last row, valid for the order it was made in.
 * @throws AppError INVALID_CURSOR
 */
export async function listPayoutsForAdmin(db: DbExecutor, input: ListPayoutsForAdminInput = {}): Promise<{ data: AdminPayoutRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const order = input.order ?? defaultAdminPayoutOrder(input.status);
  const conditions = adminPayoutFilters(input);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, `requested_${order}`, 2);
    const key = sql`(${cursorDate(at!).toISOString()}::timestamptz, ${id!})`;
    conditions.push(order === 'asc' ? sql`(${payouts.requestedAt}, ${payouts.id}) > ${key}` : sql`(${payouts.requestedAt}, ${payouts.id}) < ${key}`);
  }
  const rows = await db
    .select({ payout: payouts, creatorName: users.name, creatorEmail: users.email, creatorStripeAccountId: creators.stripeAccountId })
    .from(payouts)
    .innerJoin(creators, eq(creators.id, payouts.creatorId))
    .innerJoin(users, eq(users.id, creators.userId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(...(order === 'asc' ? [asc(payouts.requestedAt), asc(payouts.id)] : [desc(payouts.requestedAt), desc(payouts.id)]))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const available = await balances(
    db,
    page.map((r) => creatorAccount(r.payout.creatorId, 'available', r.payout.currency)),
  );
  const last = page.at(-1);
  return {
    data: page.map((r) => ({ ...r, availableBalance: available.get(creatorAccount(r.payout.creatorId, 'available', r.payout.currency).code) ?? 0n })),
    nextCursor: rows.length > limit && last ? encodeCursor(`requested_${order}`, [last.payout.requestedAt.toISOString(), last.payout.id]) : null,
  };
}
