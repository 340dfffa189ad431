import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { balances, creatorAccount, history, type CreatorAccountKind } from '../../ledger/index.js';
import type { Payout } from '../payouts/create-payout.js';
import { listOpenPayouts } from '../payouts/list-payout-history.js';
import { cursorDate, decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';

export type Payment = typeof payments.$inferSelect;

export interface CreatorBalance {
  creatorId: string;
  currency: string;
  /** Ledger `available`: what the creator may request now. */
  availableBalance: bigint;
  /** Ledger `held`: earnings still in their holding period (seed 000's pendingBalance). */
  pendingBalance: bigint;
  /** Ledger `reserved`: requested, approved or in-flight payouts. */
  reservedBalance: bigint;
  /** Ledger `frozen`: under dispute. */
  frozenBalance: bigint;
  /** Ledger `receivable`: what the creator owes after a clawback. */
  debtBalance: bigint;
  /** Ledger `paid`: transferred to the creator, to date. */
  totalPaid: bigint;
  stripeConnected: boolean;
  /**
   * At most `PAYMENT_LIST_LIMIT` of each: READY oldest release first, HELD soonest release first,
   * PAID newest first; `paymentCounts` has how many there are, `listPayments` the rest.
   */
  payments: { ready: Payment[]; held: Payment[]; paid: Payment[] };
  paymentCounts: { ready: number; held: number; paid: number };
  /** Ledger `receivable` again, under the name of issue 6: what the creator owes. */
  debt: bigint;
  /** How the debt was paid down (the `receivable` account's credits), newest first, at most 50. */
  recoveries: DebtRecovery[];
  /** Open payouts in this currency (PENDING_APPROVAL, PENDING, PROCESSING), oldest first. */
  pendingPayoutRequests: Payout[];
  /** What their explanations need: the creator's language and own payout mode. */
  creatorLocale: string;
  creatorPayoutMode: 'manual' | 'automatic' | 'scheduled' | null;
}

/** The longest each list of `payments` gets: a creator with 10,000 payments still gets a small page (issue 12 §8). */
export const PAYMENT_LIST_LIMIT = 20;

export interface DebtRecovery {
  amount: bigint;
  /** `earnings` (taken from a release), `transfer_reversal` (an admin's clawback), `dispute_won` (the debt cancelled). */
  via: 'earnings' | 'transfer_reversal' | 'dispute_won' | 'other';
  entryKey: string;
  description: string | null;
  at: Date;
}

/** The receivable account's credits (docs/refunds-and-disputes.md): each recovery of a debt. */
async function debtRecoveries(db: DbExecutor, creatorId: string, currency: string): Promise<DebtRecovery[]> {
  const page = await history(db, creatorAccount(creatorId, 'receivable', currency), { limit: 100 });
  const via = (kind: string): DebtRecovery['via'] =>
    kind === 'payment.released' ? 'earnings' : kind === 'creator.clawback' ? 'transfer_reversal' : kind === 'payment.dispute_won' ? 'dispute_won' : 'other';
  return page.data
    .filter((line) => line.change < 0n)
    .slice(0, 50)
    .map((line) => ({ amount: -line.change, via: via(line.kind), entryKey: line.entryKey, description: line.description, at: line.effectiveAt }));
}

/**
 * A creator's balances in one currency, read from the ledger (O(1) per account), with the
 * payments behind them (seed 000 `GET /api/payouts/request`): the first 20 ready (oldest release
 * first), held (soonest release first, for a countdown) and paid (newest first), how many of each
 * there are, and the open payouts.
 */
export async function getCreatorBalance(db: DbExecutor, input: { creatorId: string; currency?: string }): Promise<CreatorBalance> {
  const [creator] = await db.select().from(creators).where(eq(creators.id, input.creatorId));
  if (!creator) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found' });
  const currency = (input.currency ?? creator.currency).toLowerCase();
  const kinds: CreatorAccountKind[] = ['available', 'held', 'reserved', 'frozen', 'receivable', 'paid'];
  const accounts = kinds.map((kind) => creatorAccount(creator.id, kind, currency));
  const amounts = await balances(db, accounts);
  const of = (kind: CreatorAccountKind) => amounts.get(creatorAccount(creator.id, kind, currency).code) ?? 0n;

  const mine = and(eq(payments.creatorId, creator.id), eq(payments.currency, currency));
  const [ready, held, paid, counts, pendingPayoutRequests] = await Promise.all([
    db.select().from(payments).where(and(mine, eq(payments.status, 'READY'))).orderBy(payments.payoutReleaseDate, payments.id).limit(PAYMENT_LIST_LIMIT),
    db.select().from(payments).where(and(mine, eq(payments.status, 'HELD'))).orderBy(payments.payoutReleaseDate, payments.id).limit(PAYMENT_LIST_LIMIT),
    db.select().from(payments).where(and(mine, eq(payments.status, 'PAID'))).orderBy(desc(payments.updatedAt), desc(payments.id)).limit(PAYMENT_LIST_LIMIT),
    db
      .select({ status: payments.status, count: sql<number>`count(*)::int` })
      .from(payments)
      .where(and(mine, sql`${payments.status} in ('READY', 'HELD', 'PAID')`))
      .groupBy(payments.status),
    listOpenPayouts(db, { creatorId: creator.id, currency }),
  ]);
  const countOf = (status: Payment['status']) => Number(counts.find((c) => c.status === status)?.count ?? 0);
  return {
    creatorId: creator.id,
    currency,
    availableBalance: of('available'),
    pendingBalance: of('held'),
    reservedBalance: of('reserved'),
    frozenBalance: of('frozen'),
    debtBalance: of('receivable'),
    totalPaid: of('paid'),
    stripeConnected: creator.stripeAccountId !== null && creator.payoutsEnabled,
    payments: { ready, held, paid },
    paymentCounts: { ready: countOf('READY'), held: countOf('HELD'), paid: countOf('PAID') },
    debt: of('receivable'),
    recoveries: await debtRecoveries(db, creator.id, currency),
    pendingPayoutRequests,
    creatorLocale: creator.locale,
    creatorPayoutMode: creator.payoutMode,
  };
}

/** How `listPayments` orders: newest first (default), soonest release first, or most recently changed first (PAID: newest paid first). */
export const paymentListOrders = ['created_desc', 'release_asc', 'updated_desc'] as const;
export type PaymentListOrder = (typeof paymentListOrders)[number];

/**
 * Payments of one creator (or all, for admins), filtered by status and currency, in one of
 * `paymentListOrders`, cursor-paginated. `release_asc` with status READY or HELD, and
 * `updated_desc` with PAID, continue the capped lists of `getCreatorBalance` in their order.
 * @throws AppError INVALID_CURSOR
 */
export async function listPayments(
  db: DbExecutor,
  input: { creatorId?: string | undefined; status?: Payment['status'] | undefined; currency?: string | undefined; order?: PaymentListOrder | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: Payment[]; nextCursor: string | null }> {
  const order = input.order ?? 'created_desc';
  const column = order === 'release_asc' ? payments.payoutReleaseDate : order === 'updated_desc' ? payments.updatedAt : payments.createdAt;
  const ascending = order === 'release_asc';
  let after: SQL | undefined;
  if (input.cursor !== undefined) {
    const [at, id] = decodeCursor(input.cursor, order, 2);
    const key = sql`(${cursorDate(at!).toISOString()}::timestamptz, ${id!})`;
    after = ascending ? sql`(${column}, ${payments.id}) > ${key}` : sql`(${column}, ${payments.id}) < ${key}`;
  }
  const rows = await db
    .select()
    .from(payments)
    .where(
      and(
        input.creatorId ? eq(payments.creatorId, input.creatorId) : undefined,
        input.status ? eq(payments.status, input.status) : undefined,
        input.currency ? eq(payments.currency, input.currency.toLowerCase()) : undefined,
        after,
      ),
    )
    .orderBy(...(ascending ? [asc(column), asc(payments.id)] : [desc(column), desc(payments.id)]))
    .limit(input.limit + 1);
  const data = rows.slice(0, input.limit);
  const last = data[data.length - 1];
  const keyOf = (payment: Payment) => (order === 'release_asc' ? payment.payoutReleaseDate : order === 'updated_desc' ? payment.updatedAt : payment.createdAt);
  return { data, nextCursor: rows.length > input.limit && last ? encodeCursor(order, [keyOf(last).toISOString(), last.id]) : null };
}
