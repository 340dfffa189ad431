import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../domain/errors/index.js';
import { MAX_AMOUNT_MINOR } from '../domain/money/index.js';
import type { DbExecutor } from '../db/database.js';
import { postingsPayload, validateEntry, type LedgerEntryInput } from './validate-entry.js';

export interface PostedEntry {
  entryId: bigint;
  /** True when an identical entry with this key already existed: nothing was written. */
  duplicate: boolean;
}

/**
 * Write a balanced entry inside the caller's transaction: its postings and the balances of the
 * accounts it touches, in one round trip (the `ledger_post` SQL function). Refused entries throw
 * an AppError and write nothing; a database-side refusal (overdraft, key reused with other
 * content) aborts the caller's transaction, which must then roll back.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   await post(tx, {
 *     key: `payment:${paymentId}:received`, kind: 'payment.received', effectiveAt: clock.now(),
 *     postings: [
 *       { account: platformAccount('stripe_balance', 'eur'), debit: 12600n },
 *       { account: creatorAccount(creatorId, 'held', 'eur'), credit: 11340n },
 *       { account: platformAccount('fees', 'eur'), credit: 1260n },
 *     ],
 *   });
 * });
 */
export async function post(tx: DbExecutor, entry: LedgerEntryInput): Promise<PostedEntry> {
  const statement = ledgerPostStatement(entry);
  try {
    const result = await tx.execute<{ entry_id: bigint; duplicate: boolean }>(statement);
    const row = result.rows[0];
    if (!row) throw new AppError('LEDGER_POST_FAILED', `ledger_post returned nothing for ${entry.key}`, { kind: 'internal' });
    return { entryId: BigInt(row.entry_id), duplicate: row.duplicate };
  } catch (error) {
    throw translateLedgerError(error) ?? error;
  }
}

/**
 * `select entry_id, duplicate from ledger_post(…)` for one validated entry, not yet run: `post`
 * runs it alone; a caller that writes other rows in the same transaction may put it after
 * data-modifying CTEs to save their round trips (it must then pass errors through
 * `translateLedgerError`). @throws AppError when the entry is invalid (nothing is run)
 */
export function ledgerPostStatement(entry: LedgerEntryInput): SQL {
  const normalized = validateEntry(entry);
  const postings = JSON.stringify(postingsPayload(normalized.postings));
  return sql`select entry_id, duplicate from ledger_post(${normalized.key}, ${normalized.kind}, ${normalized.contentHash},
    ${entry.description ?? null}, ${JSON.stringify(entry.metadata ?? {})}::jsonb, ${entry.effectiveAt.toISOString()}::timestamptz,
    ${postings}::jsonb)`;
}

/** `creator:cr_1:held:eur` → `creator cr_1`; anything else as it is. */
function creatorOf(accountCode: string | undefined): string {
  const [owner, id] = (accountCode ?? '').split(':');
  return owner === 'creator' && id ? `creator ${id}` : (accountCode ?? 'the creator');
}

/** The ledger's SQL refusals as domain errors; anything else is left as it is. */
export function translateLedgerError(error: unknown): AppError | undefined {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const { code, message, detail } = cause as { code?: string; message?: string; detail?: string };
  if (code === 'PY402') {
    return new AppError('LEDGER_INSUFFICIENT_BALANCE', message ?? 'insufficient balance', {
      kind: 'unprocessable',
      details: { account: detail },
      cause,
    });
  }
  if (code === 'PY413') {
    // drizzle/0019_creator_balance_bound.sql: a creator's held + available + reserved + frozen + paid would pass MAX_AMOUNT_MINOR.
    return new AppError(
      'BALANCE_LIMIT_EXCEEDED',
      `This would take what ${creatorOf(detail)} is owed and was paid past ${MAX_AMOUNT_MINOR} minor units, the service's bound for balances (docs/security.md).`,
      { kind: 'unprocessable', details: { account: detail, max: MAX_AMOUNT_MINOR.toString() }, cause },
    );
  }
  if (code === 'PY409') {
    return new AppError('LEDGER_KEY_REUSED', message ?? 'ledger entry key reused with other content', {
      kind: 'conflict',
      details: { key: detail },
      cause,
    });
  }
  return undefined;
}
