import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { newId } from '../../domain/ids.js';
import { balances, creatorAccount, postBatch, type LedgerEntryInput } from '../../ledger/index.js';
import type { Topic } from '../../notifications/catalog.js';
import type { Actor, ServiceContext } from '../context.js';
import { signalOutbox } from '../outbox/enqueue-message.js';
import { creatorRecipientSql } from '../payouts/payout-lifecycle.js';
import { payableShareSql } from '../payouts/sync-payment-statuses.js';

const RELEASED_TOPIC: Topic = 'payment.released';

export interface ReleasedPayment {
  id: string;
  creatorId: string;
  creatorName: string;
  /** The creator's share that was released (less any refunded part), minor units. */
  amount: bigint;
  currency: string;
  releaseDate: Date;
}

export interface ReleaseResult {
  updatedCount: number;
  /** The released payments, at most `listLimit` of them (the count is always exact). */
  payments: ReleasedPayment[];
  /** Creators' debts (`receivable`) paid down from the released money, in all. */
  recoveredTotal: bigint;
}

/**
 * Move every HELD payment whose hold has ended (and that no admin stopped with
 * `disputeRequested`) to READY, with its ledger entry: `held` → `available`. Set-based: each
 * batch is one UPDATE that claims its rows with `FOR UPDATE SKIP LOCKED` (so two instances
 * running it at once share the work and release each payment once), one `postBatch` with an
 * entry per creator and currency, and one statement that inserts the audit events and queues a
 * `payment.released` message per creator and currency — one transaction per batch.
 * Batches walk the partial index on (release date, id) from where the previous one stopped, so a
 * batch does not wade through the index entries its predecessors left behind (measured: without
 * the cursor, 1,000,000 releases slowed from 22,000/s to 8,000/s).
 *
 * What is released is each payment's creator share less the part already refunded
 * (`creatorNetShare`: the cumulative rounding rule of docs/refunds-and-disputes.md, in SQL). A
 * creator who owes money (`receivable`, after a refund or a lost dispute of money already paid
 * out) repays it first (clawback): the creator's released total goes to `receivable` up to the
 * debt and only the rest to `available` — the debts of the batch's creators are read with one
 * query, and it stays one entry per creator and currency.
 *
 * The creator hears of it once per batch, not per payment: `payment.released` with the count,
 * the shares' total (before any debt took its part) and the payment ids, queued in the batch's
 * transaction. A run is one batch unless more than `batchSize` payments are due at once; then a
 * creator with payments in several batches gets a message per batch (each batch commits on its
 * own, and a message cannot wait for a later transaction). Its dedupe key names the group's
 * first payment id and count: a payment is released once, so a key is never reused.
 */
export async function releaseDuePayments(
  db: Db,
  options: { actor: Actor; batchSize?: number; listLimit?: number },
  context: Pick<ServiceContext, 'clock'>,
): Promise<ReleaseResult> {
  const batchSize = options.batchSize ?? 50_000;
  const listLimit = options.listLimit ?? 100;
  const now = context.clock.now();
  const listed: Omit<ReleasedPayment, 'creatorName'>[] = [];
  let updatedCount = 0;
  let recoveredTotal = 0n;
  let after: { releaseDate: string; id: string } | undefined;
  for (;;) {
    const released = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ id: string; creator_id: string; creator_amount: bigint; currency: string; payout_release_date: Date | string; last_date: string; last_id: string }>(sql`
        with due as (
          select id, payout_release_date from payments
          where status = 'HELD' and payout_release_date <= ${now.toISOString()}::timestamptz and not dispute_requested
            ${after ? sql`and (payout_release_date, id) > (${after.releaseDate}::timestamptz, ${after.id})` : sql``}
          order by payout_release_date, id
          limit ${batchSize}
          for update skip locked
        ),
        -- The batch's last row in index order (the database's collation, not JavaScript's).
        last as (select payout_release_date, id from due order by payout_release_date desc, id desc limit 1),
        released as (
          update payments p set status = 'READY', released_at = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
          from due where p.id = due.id
          -- The share less what refunds took: creator_amount − round_half_up(refunded × creator_amount / amount).
          returning p.id, p.creator_id, ${payableShareSql('p')} as creator_amount,
            p.currency, p.payout_release_date
        )
        select released.*, to_char(last.payout_release_date at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_date, last.id as last_id
        from released cross join last`);
      if (rows.length === 0) return rows;

      const groups = new Map<string, { creatorId: string; currency: string; total: bigint; paymentIds: string[] }>();
      for (const row of rows) {
        const key = `${row.creator_id}:${row.currency}`;
        const group = groups.get(key) ?? { creatorId: row.creator_id, currency: row.currency, total: 0n, paymentIds: [] };
        group.total += BigInt(row.creator_amount);
        group.paymentIds.push(row.id);
        groups.set(key, group);
      }
      const batchId = newId('ref');
      const releasing = [...groups.values()].filter((g) => g.total > 0n);
      // The debts of this batch's creators, in one read.
      const debts = await balances(tx, releasing.map((g) => creatorAccount(g.creatorId, 'receivable', g.currency)));
      let recovered = 0n;
      const entries: LedgerEntryInput[] = releasing.map((g) => {
        const debt = debts.get(creatorAccount(g.creatorId, 'receivable', g.currency).code) ?? 0n;
        const repaid = debt <= 0n ? 0n : debt < g.total ? debt : g.total;
        recovered += repaid;
        return {
          key: `release:${batchId}:${g.creatorId}:${g.currency}`,
          kind: 'payment.released',
          effectiveAt: now,
          ...(repaid > 0n && { description: `Release; ${repaid} repays the creator's debt` }),
          metadata: { paymentIds: g.paymentIds, ...(repaid > 0n && { recovered: repaid.toString() }) },
          postings: [
            { account: creatorAccount(g.creatorId, 'held', g.currency), debit: g.total },
            ...(repaid > 0n ? [{ account: creatorAccount(g.creatorId, 'receivable', g.currency), credit: repaid }] : []),
            ...(g.total > repaid ? [{ account: creatorAccount(g.creatorId, 'available', g.currency), credit: g.total - repaid }] : []),
          ],
        };
      });
      await postBatch(tx, entries);
      recoveredTotal += recovered;
      // The audit events, and (a data-modifying CTE, no round trip of its own) the creators' messages:
      // grouped as the ledger entries are, the groups whose shares add up to nothing left out.
      await tx.execute(sql`
        with r as materialized (
          select * from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, creator_id: r.creator_id, amount: String(r.creator_amount), currency: r.currency })))}::jsonb)
            as r(id text, creator_id text, amount bigint, currency text)
        ),
        released as (
          select creator_id, currency, sum(amount) as amount, count(*)::int as count, min(id) as first_id, jsonb_agg(id order by id) as payment_ids
          from r group by creator_id, currency having sum(amount) > 0
        ),
        notified as (
          insert into outbox_messages (topic, recipient, payload, dedupe_key, created_at, next_attempt_at)
          select ${RELEASED_TOPIC}::text, ${creatorRecipientSql(sql`g.creator_id`)},
            jsonb_build_object('creatorId', g.creator_id, 'count', g.count, 'amount', g.amount::text, 'currency', g.currency, 'paymentIds', g.payment_ids),
            ${RELEASED_TOPIC}::text || ':' || g.creator_id || ':' || g.currency || ':' || g.first_id || ':' || g.count,
            ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
          from released g
          on conflict (dedupe_key) do nothing
        )
        insert into audit_events (actor, action, subject_type, subject_id, from_status, to_status, amount, currency, metadata, created_at)
        select ${options.actor}, 'payment.released', 'payment', r.id, 'HELD', 'READY', r.amount, r.currency, '{}'::jsonb, ${now.toISOString()}::timestamptz
        from r`);
      return rows;
    });
    // The messages were queued by SQL, not enqueueMessage: tell this process's delivery worker.
    if (released.length > 0) signalOutbox();
    updatedCount += released.length;
    for (const row of released) {
      if (listed.length >= listLimit) break;
      listed.push({ id: row.id, creatorId: row.creator_id, amount: BigInt(row.creator_amount), currency: row.currency, releaseDate: new Date(row.payout_release_date) });
    }
    if (released.length < batchSize) break;
    // The next batch starts after this one's last row.
    after = { releaseDate: released[0]!.last_date, id: released[0]!.last_id };
  }
  return { updatedCount, payments: await withCreatorNames(db, listed), recoveredTotal };
}

/** Names for the (at most `listLimit`) payments the report lists, in one query. */
async function withCreatorNames(db: Db, listed: Omit<ReleasedPayment, 'creatorName'>[]): Promise<ReleasedPayment[]> {
  if (listed.length === 0) return [];
  const ids = [...new Set(listed.map((p) => p.creatorId))];
  const rows = await db.select({ id: creators.id, name: users.name }).from(creators).innerJoin(users, sql`${users.id} = ${creators.userId}`).where(inArray(creators.id, ids));
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return listed.map((p) => ({ ...p, creatorName: names.get(p.creatorId) ?? '' }));
}
