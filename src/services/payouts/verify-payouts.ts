import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { formatChecks, runChecks, type CheckDefinition, type LedgerVerification } from '../../ledger/index.js';

export type PayoutVerification = LedgerVerification;

/**
 * Each payout with what the ledger says about it (docs/payouts.md "Ledger steps"): for each of
 * its steps whether the entry `payout:<id>:<step>` exists and how much it moved on the account
 * that step is about — `reserve`: credited to the creator's `reserved`; `release` and
 * `transfer`: debited from `reserved`; `reversal`: credited back to `available`.
 */
const payoutFacts = sql`
  payout_moves as (
    select split_part(e.idempotency_key, ':', 2) as payout_id, split_part(e.idempotency_key, ':', 3) as step,
           p.account_code, p.amount
    from ledger_entries e join ledger_postings p on p.entry_id = e.id
    where e.kind in ('payout.reserved', 'payout.released', 'payout.transferred', 'payout.reversed')
      and e.idempotency_key like 'payout:%'
  ),
  facts as (
    select po.id, po.status, po.amount, po.creator_id, po.currency,
      count(m.payout_id) filter (where m.step = 'reserve') > 0 as has_reserve,
      count(m.payout_id) filter (where m.step = 'release') > 0 as has_release,
      count(m.payout_id) filter (where m.step = 'transfer') > 0 as has_transfer,
      count(m.payout_id) filter (where m.step = 'reversal') > 0 as has_reversal,
      coalesce(-sum(m.amount) filter (where m.step = 'reserve' and m.account_code = 'creator:' || po.creator_id || ':reserved:' || po.currency), 0) as reserved,
      coalesce(sum(m.amount) filter (where m.step = 'release' and m.account_code = 'creator:' || po.creator_id || ':reserved:' || po.currency), 0) as released,
      coalesce(sum(m.amount) filter (where m.step = 'transfer' and m.account_code = 'creator:' || po.creator_id || ':reserved:' || po.currency), 0) as transferred,
      coalesce(-sum(m.amount) filter (where m.step = 'reversal' and m.account_code = 'creator:' || po.creator_id || ':available:' || po.currency), 0) as reversed
    from payouts po left join payout_moves m on m.payout_id = po.id
    group by po.id, po.status, po.amount, po.creator_id, po.currency
  )`;

const live = sql`pp.released_at is null`;

/**
 * The payout invariants of DESIGN.md §3 (every payout's amount equals the postings that
 * reference it; no payment's creator share is paid twice), each a query returning the rows that
 * break it. Read-only; `payouts verify` runs them after `verifyLedger`'s.
 */
const checks: CheckDefinition[] = [
  {
    name: 'every payout reserved exactly its amount',
    query: sql`with ${payoutFacts} select id, amount::text, reserved::text, has_reserve from facts where not has_reserve or reserved <> amount`,
    describe: (r) => (r.has_reserve ? `payout ${r.id} of ${r.amount} reserved ${r.reserved}` : `payout ${r.id} of ${r.amount} has no reserve entry`),
  },
  {
    name: "every release, transfer and reversal of a payout moved the payout's amount",
    query: sql`with ${payoutFacts}
               select id, amount::text, step, moved::text from facts
               cross join lateral (values ('release', has_release, released), ('transfer', has_transfer, transferred), ('reversal', has_reversal, reversed)) as s(step, present, moved)
               where s.present and s.moved <> amount`,
    describe: (r) => `payout ${r.id} of ${r.amount}: its ${r.step} entry moved ${r.moved}`,
  },
  {
    name: 'every payout ledger entry belongs to a payout',
    query: sql`select e.idempotency_key as key from ledger_entries e
               where e.kind in ('payout.reserved', 'payout.released', 'payout.transferred', 'payout.reversed')
                 and not exists (select 1 from payouts po where po.id = split_part(e.idempotency_key, ':', 2))`,
    describe: (r) => `entry ${r.key} names no payout`,
  },
  {
    name: 'PAID payouts have a transfer entry and no release or reversal',
    query: sql`with ${payoutFacts} select id, has_transfer, has_release, has_reversal from facts
               where status = 'PAID' and (not has_transfer or has_release or has_reversal)`,
    describe: (r) => `PAID payout ${r.id}: ${[!r.has_transfer && 'no transfer entry', r.has_release && 'a release entry', r.has_reversal && 'a reversal entry'].filter(Boolean).join(', ')}`,
  },
  {
    name: 'FAILED and CANCELLED payouts gave their money back (a release, or a transfer and its reversal)',
    query: sql`with ${payoutFacts} select id, status, has_transfer, has_release, has_reversal from facts
               where status in ('FAILED', 'CANCELLED') and not (
                 (has_release and not has_transfer and not has_reversal)
                 or (status = 'FAILED' and has_transfer and has_reversal and not has_release))`,
    describe: (r) =>
      `${r.status} payout ${r.id} has ${[r.has_release && 'a release', r.has_transfer && 'a transfer', r.has_reversal && 'a reversal'].filter(Boolean).join(', ') || 'no release or reversal'}`,
  },
  {
    name: 'open payouts still hold their money (no release or reversal; no transfer before PROCESSING)',
    query: sql`with ${payoutFacts} select id, status, has_transfer, has_release, has_reversal from facts
               where status in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING')
                 and (has_release or has_reversal or (has_transfer and status <> 'PROCESSING'))`,
    describe: (r) => `${r.status} payout ${r.id} has ${[r.has_release && 'a release', r.has_reversal && 'a reversal', r.has_transfer && 'a transfer'].filter(Boolean).join(', ')}`,
  },
  {
    name: "each creator's reserved balance equals their open payouts not yet transferred",
    query: sql`with ${payoutFacts},
               owed as (
                 select 'creator:' || creator_id || ':reserved:' || currency as code, sum(amount) as total from facts
                 where status in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING') and not has_transfer group by creator_id, currency),
               kept as (
                 select b.account_code as code, sum(b.balance) as total from ledger_balances b
                 where b.account_code like 'creator:%:reserved:%' group by b.account_code)
               select coalesce(owed.code, kept.code) as code, coalesce(owed.total, 0)::text as owed, coalesce(kept.total, 0)::text as kept
               from owed full join kept on kept.code = owed.code
               where coalesce(owed.total, 0) <> coalesce(kept.total, 0)`,
    describe: (r) => `${r.code} is ${r.kept}; open payouts not yet transferred add up to ${r.owed}`,
  },
  {
    name: "every payout is covered by payments for exactly its amount (none once FAILED or CANCELLED)",
    query: sql`select po.id, po.status, po.amount::text, coalesce(sum(pp.amount) filter (where ${live}), 0)::text as covered
               from payouts po left join payout_payments pp on pp.payout_id = po.id
               group by po.id, po.status, po.amount
               having coalesce(sum(pp.amount) filter (where ${live}), 0)
                      <> case when po.status in ('FAILED', 'CANCELLED') then 0 else po.amount end`,
    describe: (r) => `${r.status} payout ${r.id} of ${r.amount} covers ${r.covered} of payments`,
  },
  {
    name: "no payment's live allocations exceed its creator share",
    query: sql`select p.id, p.creator_amount::text as share, sum(pp.amount)::text as allocated
               from payments p join payout_payments pp on pp.payment_id = p.id
               where ${live} group by p.id, p.creator_amount having sum(pp.amount) > p.creator_amount`,
    describe: (r) => `payment ${r.id}: ${r.allocated} allocated to payouts, its creator share is ${r.share}`,
  },
  {
    name: 'no creator share is paid twice (PAID allocations within the share)',
    query: sql`select p.id, p.creator_amount::text as share, sum(pp.amount)::text as paid
               from payments p join payout_payments pp on pp.payment_id = p.id join payouts po on po.id = pp.payout_id
               where po.status = 'PAID' group by p.id, p.creator_amount having sum(pp.amount) > p.creator_amount`,
    describe: (r) => `payment ${r.id}: ${r.paid} paid out, its creator share is ${r.share}`,
  },
  {
    name: "payments' allocated amount equals the sum of their live allocations",
    query: sql`select p.id, p.allocated_amount::text as recorded, coalesce(a.total, 0)::text as live
               from payments p
               left join (select pp.payment_id, sum(pp.amount) as total from payout_payments pp where ${live} group by pp.payment_id) a on a.payment_id = p.id
               where p.allocated_amount <> coalesce(a.total, 0)`,
    describe: (r) => `payment ${r.id}: allocated_amount is ${r.recorded}, live allocations add up to ${r.live}`,
  },
];

/** Run every payout invariant over the whole database (read-only). Same shape as `verifyLedger`. */
export function verifyPayouts(db: DbExecutor): Promise<PayoutVerification> {
  return runChecks(db, checks);
}

/** A report for people, in `formatLedgerVerification`'s style: one line per check, failures indented beneath. */
export function formatPayoutVerification(verification: PayoutVerification): string {
  return formatChecks(verification, { ok: 'Payouts verified', failed: 'Payout verification FAILED' });
}
