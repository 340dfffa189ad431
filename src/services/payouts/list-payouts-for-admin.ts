import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payouts, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { PayoutStatus } from '../../domain/payouts/payout-status.js';
import { balances, creatorAccount } from '../../ledger/index.js';
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

export interface ListPayoutsForAdminInput {
  status?: PayoutStatus | undefined;
  creatorId?: string | undefined;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * The admin's payout queue (seed 000 `GET /api/admin/payouts`): newest request first, filtered by
 * status and creator, with the creator's name, email and available balance (from the ledger, one
 * query for the page). The cursor is opaque: the position after the page's last row.
 * @throws AppError INVALID_CURSOR
 */
export async function listPayoutsForAdmin(db: DbExecutor, input: ListPayoutsForAdminInput = {}): Promise<{ data: AdminPayoutRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(payouts.status, input.status));
  if (input.creatorId) conditions.push(eq(payouts.creatorId, input.creatorId));
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    conditions.push(sql`(${payouts.requestedAt}, ${payouts.id}) < (${after.requestedAt.toISOString()}::timestamptz, ${after.id})`);
  }
  const rows = await db
    .select({ payout: payouts, creatorName: users.name, creatorEmail: users.email, creatorStripeAccountId: creators.stripeAccountId })
    .from(payouts)
    .innerJoin(creators, eq(creators.id, payouts.creatorId))
    .innerJoin(users, eq(users.id, creators.userId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(payouts.requestedAt), desc(payouts.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const available = await balances(
    db,
    page.map((r) => creatorAccount(r.payout.creatorId, 'available', r.payout.currency)),
  );
  const last = page.at(-1);
  return {
    data: page.map((r) => ({ ...r, availableBalance: available.get(creatorAccount(r.payout.creatorId, 'available', r.payout.currency).code) ?? 0n })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.payout) : null,
  };
}

function encodeCursor(row: { requestedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.requestedAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { requestedAt: Date; id: string } {
  try {
    const [requestedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof requestedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(requestedAt))) return { requestedAt: new Date(requestedAt), id };
  } catch {
    // fall through to the error below
  }
  throw new AppError('INVALID_CURSOR', 'The cursor is not one this list returned', { kind: 'invalid', details: { param: 'cursor' } });
}
