import { sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../db/database.js';
import { MAX_AMOUNT_MINOR } from '../domain/money/index.js';

export interface LedgerCheck {
  name: string;
  ok: boolean;
  /** Human-readable lines, at most `MAX_FAILURES_SHOWN` per check. */
  failures: string[];
}

export interface LedgerVerification {
  ok: boolean;
  checks: LedgerCheck[];
}

const MAX_FAILURES_SHOWN = 20;

/** One invariant: a query returning a row per violation, and how to describe a row to people. */
export interface CheckDefinition {
  name: string;
  /** Returns one row per violation. */
  query: SQL;
  describe: (row: Record<string, unknown>) => string;
}

/**
 * The invariants of DESIGN.md §3, each a query that returns the rows breaking it. Checks of
 * later modules (payouts, payments) are added to this list as their tables appear.
 */
const checks: CheckDefinition[] = [
  {
    name: 'every posting belongs to an entry and an account',
    query: sql`select p.id::text as id, p.entry_id::text as entry_id, p.account_code,
                      (e.id is null) as no_entry, (a.code is null) as no_account
               from ledger_postings p
               left join ledger_entries e on e.id = p.entry_id
               left join ledger_accounts a on a.code = p.account_code
               where e.id is null or a.code is null`,
    describe: (r) => `posting ${r.id} refers to ${r.no_entry ? `no entry (${r.entry_id})` : `no account (${r.account_code})`}`,
  },
  {
    name: 'every entry has at least two postings',
    query: sql`select e.idempotency_key as key, count(p.id)::int as n
               from ledger_entries e left join ledger_postings p on p.entry_id = e.id
               group by e.id, e.idempotency_key having count(p.id) < 2`,
    describe: (r) => `entry ${r.key} has ${r.n} posting(s)`,
  },
  {
    name: 'every entry balances in each currency',
    query: sql`select e.idempotency_key as key, p.currency, sum(p.amount)::text as diff
               from ledger_postings p join ledger_entries e on e.id = p.entry_id
               group by e.id, e.idempotency_key, p.currency having sum(p.amount) <> 0`,
    describe: (r) => `entry ${r.key} is off by ${r.diff} ${r.currency}`,
  },
  {
    name: 'all accounts sum to zero per currency',
    query: sql`select currency, sum(amount)::text as total from ledger_postings group by currency having sum(amount) <> 0`,
    describe: (r) => `postings in ${r.currency} sum to ${r.total}`,
  },
  {
    name: "postings are in their account's currency",
    query: sql`select p.id::text as id, p.account_code, p.currency, a.currency as account_currency
               from ledger_postings p join ledger_accounts a on a.code = p.account_code where p.currency <> a.currency`,
    describe: (r) => `posting ${r.id} in ${r.currency} on ${r.account_code} (${r.account_currency})`,
  },
  {
    name: 'accounts that may not go negative are not negative',
    query: sql`select a.code, sum(b.balance)::text as balance
               from ledger_accounts a join ledger_balances b on b.account_code = a.code
               where not a.allow_negative group by a.code having sum(b.balance) < 0`,
    describe: (r) => `${r.code} is ${r.balance}`,
  },
  {
    name: 'balance table equals the sum of postings',
    query: sql`with posted as (
                 select p.account_code, sum(case when a.normal_side = 'debit' then p.amount else -p.amount end) as total
                 from ledger_postings p join ledger_accounts a on a.code = p.account_code group by p.account_code),
               kept as (select account_code, sum(balance) as total from ledger_balances group by account_code)
               select coalesce(posted.account_code, kept.account_code) as code,
                      coalesce(posted.total, 0)::text as posted, coalesce(kept.total, 0)::text as kept
               from posted full join kept on kept.account_code = posted.account_code
               where coalesce(posted.total, 0) <> coalesce(kept.total, 0)`,
    describe: (r) => `${r.code}: balance table says ${r.kept}, postings say ${r.posted}`,
  },
  {
    name: 'every account has exactly its balance rows',
    query: sql`select a.code, a.buckets, count(b.bucket)::int as n
               from ledger_accounts a left join ledger_balances b on b.account_code = a.code
               group by a.code, a.buckets
               having count(b.bucket) <> a.buckets or max(b.bucket) <> a.buckets - 1`,
    describe: (r) => `${r.code} has ${r.n} balance row(s), expected ${r.buckets}`,
  },
  {
    // docs/security.md "Amounts and balances": the ledger_creator_total_within_bound trigger keeps it on every write.
    name: 'what each creator is owed and was paid stays within the bound for balances',
    query: sql`select split_part(account_code, ':', 2) as creator_id, right(account_code, 3) as currency, sum(balance)::text as total
               from ledger_balances
               where account_code like 'creator:%' and split_part(account_code, ':', 3) in ('held', 'available', 'reserved', 'frozen', 'paid')
               group by 1, 2 having sum(balance) > ${MAX_AMOUNT_MINOR.toString()}::numeric`,
    describe: (r) => `creator ${r.creator_id} holds and was paid ${r.total} ${r.currency}, more than ${MAX_AMOUNT_MINOR}`,
  },
];

/** Run every invariant over the whole database (read-only). */
export function verifyLedger(db: DbExecutor): Promise<LedgerVerification> {
  return runChecks(db, checks);
}

/** Run invariant checks (read-only), keeping at most `MAX_FAILURES_SHOWN` lines per check. */
export async function runChecks(db: DbExecutor, definitions: readonly CheckDefinition[]): Promise<LedgerVerification> {
  const results: LedgerCheck[] = [];
  for (const check of definitions) {
    const { rows } = await db.execute<Record<string, unknown>>(sql`${check.query} limit ${MAX_FAILURES_SHOWN + 1}`);
    const failures = rows.slice(0, MAX_FAILURES_SHOWN).map(check.describe);
    if (rows.length > MAX_FAILURES_SHOWN) failures.push(`… and more`);
    results.push({ name: check.name, ok: rows.length === 0, failures });
  }
  return { ok: results.every((r) => r.ok), checks: results };
}

/** A report for people: one line per check, failures indented beneath. */
export function formatLedgerVerification(verification: LedgerVerification): string {
  return formatChecks(verification, { ok: 'Ledger verified', failed: 'Ledger verification FAILED' });
}

/** One line per check, failures indented beneath, then a summary line. */
export function formatChecks(verification: LedgerVerification, summary: { ok: string; failed: string }): string {
  const lines = verification.checks.flatMap((check) => [
    `${check.ok ? 'ok  ' : 'FAIL'} ${check.name}`,
    ...check.failures.map((f) => `       ${f}`),
  ]);
  const failed = verification.checks.filter((c) => !c.ok).length;
  lines.push(
    verification.ok
      ? `${summary.ok}: all ${verification.checks.length} invariants hold.`
      : `${summary.failed}: ${failed} of ${verification.checks.length} invariants broken.`,
  );
  return lines.join('\n');
}
