import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';

/**
 * A payment's share still owed to the creator: `creator_amount` less the creator's part of what
 * was refunded (or lost in a dispute), by the cumulative round-half-up rule of
 * docs/refunds-and-disputes.md — the SQL twin of `creatorNetShare` (src/domain/payments/refund-split.ts).
 * `alias` is the payments table's alias in the query.
 */
export function payableShareSql(alias: string) {
  const p = sql.raw(alias);
  return sql`(${p}.creator_amount - div(2 * ${p}.refunded_amount::numeric * ${p}.creator_amount + ${p}.amount, 2 * ${p}.amount::numeric)::bigint)`;
}

/**
 * Bring payments in line with the payouts that cover them, in one statement: `allocated_amount`
 * becomes the sum of their live (not released) allocations, and a READY / PROCESSING / PAID
 * payment becomes
 * - PAID when its whole payable share (after refunds) is covered and every covering payout is PAID,
 * - PROCESSING when its whole share is covered and a covering payout is PROCESSING or PAID,
 * - READY otherwise (not fully covered, or covered only by payouts not started yet — seed 000:
 *   a failed transfer puts its payments back to READY).
 * Other statuses (HELD, CANCELLED, DISPUTED, REFUNDED) are left alone.
 */
export async function syncPaymentStatuses(tx: DbExecutor, paymentIds: readonly string[], now: Date): Promise<void> {
  if (paymentIds.length === 0) return;
  await tx.execute(sql`
    with ids as (select distinct jsonb_array_elements_text(${JSON.stringify(paymentIds)}::jsonb) as id),
    live as (
      select pp.payment_id,
        sum(pp.amount) as allocated,
        bool_and(po.status = 'PAID') as all_paid,
        bool_or(po.status in ('PROCESSING', 'PAID')) as any_moving
      from payout_payments pp join payouts po on po.id = pp.payout_id
      where pp.payment_id in (select id from ids) and pp.released_at is null
      group by pp.payment_id
    )
    update payments p set
      allocated_amount = coalesce(live.allocated, 0),
      status = case
        when p.status not in ('READY', 'PROCESSING', 'PAID') then p.status
        when coalesce(live.allocated, 0) < ${payableShareSql('p')} then 'READY'
        when live.all_paid then 'PAID'
        when live.any_moving then 'PROCESSING'
        else 'READY' end,
      updated_at = ${now.toISOString()}::timestamptz
    from ids left join live on live.payment_id = ids.id
    where p.id = ids.id`);
}
