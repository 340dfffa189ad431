import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../db/database.js';
import { AppError } from '../domain/errors/index.js';
import { translateLedgerError } from './post-entry.js';
import { postingsPayload, validateEntry, type LedgerEntryInput } from './validate-entry.js';

/**
 * Post many entries in one round trip (the `ledger_post_batch` SQL function), for sweeps that
 * move thousands of payments at once. Same guarantees as `post`, entry by entry: each is
 * validated first, idempotent on its key, balances locked in code order, overdrafts refused —
 * and one refused entry refuses the batch. Returns how many entries were written (duplicates of
 * entries already in the ledger are skipped).
 */
export async function postBatch(tx: DbExecutor, entries: LedgerEntryInput[]): Promise<{ written: number; skipped: number }> {
  if (entries.length === 0) return { written: 0, skipped: 0 };
  const keys = new Set<string>();
  const payload = entries.map((entry) => {
    const normalized = validateEntry(entry);
    if (keys.has(normalized.key)) throw new AppError('LEDGER_DUPLICATE_KEY_IN_BATCH', `key ${normalized.key} appears twice in one batch`, { kind: 'internal' });
    keys.add(normalized.key);
    return {
      k: normalized.key,
      t: normalized.kind,
      h: normalized.contentHash,
      d: entry.description ?? null,
      m: entry.metadata ?? {},
      e: entry.effectiveAt.toISOString(),
      p: postingsPayload(normalized.postings),
    };
  });
  try {
    const result = await tx.execute(sql`select count(*)::int as written from ledger_post_batch(${JSON.stringify(payload)}::jsonb)`);
    const written = Number((result.rows[0] as { written: number } | undefined)?.written ?? 0);
    return { written, skipped: entries.length - written };
  } catch (error) {
    throw translateLedgerError(error) ?? error;
  }
}
