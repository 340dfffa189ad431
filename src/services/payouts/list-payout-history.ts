import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payouts } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import type { Payout } from './create-payout.js';

/** A payout with what its explanation needs of its creator (language, payout mode). */
export interface PayoutHistoryRow {
  payout: Payout;
  creatorLocale: string;
  /** The creator's own mode, null when the global setting applies. */
  creatorPayoutMode: 'manual' | 'automatic' | 'scheduled' | null;
}

/**
 * Payouts, newest request first, cursor-paginated: one creator's history, or every payout for
 * an admin (`creatorId` undefined).
 */
export async function listPayoutHistory(
  db: DbExecutor,
  input: { creatorId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: PayoutHistoryRow[]; nextCursor: string | null }> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await db
    .select({ payout: payouts, creatorLocale: creators.locale, creatorPayoutMode: creators.payoutMode })
    .from(payouts)
    .innerJoin(creators, eq(creators.id, payouts.creatorId))
    .where(
      and(
        input.creatorId ? eq(payouts.creatorId, input.creatorId) : undefined,
        after ? sql`(${payouts.requestedAt}, ${payouts.id}) < (${after.requestedAt.toISOString()}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(payouts.requestedAt), desc(payouts.id))
    .limit(input.limit + 1);
  const data = rows.slice(0, input.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > input.limit && last ? encodeCursor(last.payout) : null };
}

/** A creator's payouts that still hold money (PENDING_APPROVAL, PENDING, PROCESSING) in one currency, oldest first. */
export async function listOpenPayouts(db: DbExecutor, input: { creatorId: string; currency: string }): Promise<Payout[]> {
  return db
    .select()
    .from(payouts)
    .where(and(eq(payouts.creatorId, input.creatorId), eq(payouts.currency, input.currency), sql`${payouts.status} in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING')`))
    .orderBy(payouts.requestedAt, payouts.id);
}

function encodeCursor(payout: Payout): string {
  return Buffer.from(`${payout.requestedAt.toISOString()}|${payout.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { requestedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const requestedAt = new Date(at ?? '');
  if (!id || Number.isNaN(requestedAt.getTime())) throw new AppError('INVALID_CURSOR', 'cursor is not one this API returned', { details: { param: 'cursor' } });
  return { requestedAt, id };
}
