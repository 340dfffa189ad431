import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../db/database.js';
import type { LedgerAccount } from './accounts.js';

/** An account's balance in its natural sign; 0 for an account never used. O(buckets). */
export async function balance(tx: DbExecutor, account: LedgerAccount | string): Promise<bigint> {
  const code = typeof account === 'string' ? account : account.code;
  const result = await tx.execute<{ balance: bigint | null }>(
    sql`select sum(balance)::bigint as balance from ledger_balances where account_code = ${code}`,
  );
  return BigInt(result.rows[0]?.balance ?? 0n);
}

/** Several balances in one query, keyed by account code. */
export async function balances(tx: DbExecutor, accounts: ReadonlyArray<LedgerAccount | string>): Promise<Map<string, bigint>> {
  const codes = accounts.map((a) => (typeof a === 'string' ? a : a.code));
  const out = new Map<string, bigint>(codes.map((c) => [c, 0n]));
  if (codes.length === 0) return out;
  const result = await tx.execute<{ account_code: string; balance: bigint }>(
    sql`select account_code, sum(balance)::bigint as balance from ledger_balances
        where account_code = any(${`{${codes.map((c) => `"${c}"`).join(',')}}`}::text[]) group by account_code`,
  );
  for (const row of result.rows) out.set(row.account_code, BigInt(row.balance));
  return out;
}
