import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, payments } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { balances, creatorAccount, history, type CreatorAccountKind } from '../../ledger/index.js';
import type { Payout } from '../payouts/create-payout.js';
import { listOpenPayouts } from '../payouts/list-payout-history.js';

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
  payments: { ready: Payment[]; held: Payment[]; paid: Payment[] };
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

const PAID_HISTORY_LIMIT = 50;

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
 * payments behind them: ready, held (with their release dates, for a countdown) and the last 50
 * paid (seed 000 `GET /api/payouts/request`), and the open payouts.
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
  const [ready, held, paid, pendingPayoutRequests] = await Promise.all([
    db.select().from(payments).where(and(mine, eq(payments.status, 'READY'))).orderBy(payments.payoutReleaseDate, payments.id),
    db.select().from(payments).where(and(mine, eq(payments.status, 'HELD'))).orderBy(payments.payoutReleaseDate, payments.id),
    db.select().from(payments).where(and(mine, eq(payments.status, 'PAID'))).orderBy(desc(payments.updatedAt), desc(payments.id)).limit(PAID_HISTORY_LIMIT),
    listOpenPayouts(db, { creatorId: creator.id, currency }),
  ]);
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
    debt: of('receivable'),
    recoveries: await debtRecoveries(db, creator.id, currency),
    pendingPayoutRequests,
    creatorLocale: creator.locale,
    creatorPayoutMode: creator.payoutMode,
  };
}

/** Payments of one creator (or all, for admins), newest first, cursor-paginated. */
export async function listPayments(
  db: DbExecutor,
  input: { creatorId?: string; status?: Payment['status']; limit: number; cursor?: string | undefined },
): Promise<{ data: Payment[]; nextCursor: string | null }> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await db
    .select()
    .from(payments)
    .where(
      and(
        input.creatorId ? eq(payments.creatorId, input.creatorId) : undefined,
        input.status ? eq(payments.status, input.status) : undefined,
        after ? sql`(${payments.createdAt}, ${payments.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(input.limit + 1);
  const data = rows.slice(0, input.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null };
}

function encodeCursor(payment: Payment): string {
  return Buffer.from(`${payment.createdAt.toISOString()}|${payment.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError('INVALID_CURSOR', 'cursor is not one this API returned', { details: { param: 'cursor' } });
  return { createdAt, id };
}
