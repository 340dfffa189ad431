import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../db/database.js';
import { AppError } from '../domain/errors/index.js';
import type { LedgerAccount } from './accounts.js';

export interface LedgerHistoryLine {
  postingId: bigint;
  entryId: bigint;
  entryKey: string;
  kind: string;
  description: string | null;
  /** Change to the account in its natural sign: positive raised it. */
  change: bigint;
  effectiveAt: Date;
}

export interface LedgerHistoryPage {
  data: LedgerHistoryLine[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** An account's postings, newest first, `limit` (1–500, default 50) at a time. */
export async function history(
  tx: DbExecutor,
  account: LedgerAccount,
  page: { limit?: number; cursor?: string | null } = {},
): Promise<LedgerHistoryPage> {
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new AppError('INVALID_LIMIT', 'limit must be a whole number from 1 to 500', { details: { param: 'limit' } });
  }
  let before: bigint | null = null;
  if (page.cursor) {
    if (!/^\d{1,19}$/.test(page.cursor)) throw new AppError('INVALID_CURSOR', 'cursor is not one this API returned', { details: { param: 'cursor' } });
    before = BigInt(page.cursor);
  }
  const sign = account.normalSide === 'debit' ? 1n : -1n;
  const result = await tx.execute<{
    id: bigint;
    entry_id: bigint;
    idempotency_key: string;
    kind: string;
    description: string | null;
    amount: bigint;
    effective_at: Date | string;
  }>(sql`
    select p.id, p.entry_id, e.idempotency_key, e.kind, e.description, p.amount, e.effective_at
    from ledger_postings p join ledger_entries e on e.id = p.entry_id
    where p.account_code = ${account.code} ${before === null ? sql`` : sql`and p.id < ${before.toString()}::bigint`}
    order by p.id desc
    limit ${limit + 1}`);
  const rows = result.rows.slice(0, limit);
  return {
    data: rows.map((r) => ({
      postingId: BigInt(r.id),
      entryId: BigInt(r.entry_id),
      entryKey: r.idempotency_key,
      kind: r.kind,
      description: r.description,
      change: BigInt(r.amount) * sign,
      effectiveAt: new Date(r.effective_at),
    })),
    nextCursor: result.rows.length > limit && rows.length > 0 ? String(rows[rows.length - 1]!.id) : null,
  };
}
