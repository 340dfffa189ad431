import type { DbExecutor } from '../../db/database.js';
import { balances, creatorAccount, type CreatorAccountKind } from '../../ledger/index.js';

/** A creator's ledger balances in one currency, in minor units. */
export interface CreatorBalances {
  /** May be requested now. */
  available: bigint;
  /** Earnings in their holding period. */
  held: bigint;
  /** Requested, approved or in-flight payouts. */
  reserved: bigint;
  /** Under dispute. */
  frozen: bigint;
  /** Transferred to the creator, to date. */
  paid: bigint;
  /** What the creator owes after refunds or lost disputes of money already paid out (ledger `receivable`). */
  debt: bigint;
}

const kinds: readonly CreatorAccountKind[] = ['available', 'held', 'reserved', 'frozen', 'paid', 'receivable'];

/**
 * The balances of several (existing) creators in one currency, in one query on the balance
 * table. Ids must be real creator ids: the ledger refuses malformed ones as a broken invariant.
 */
export async function creatorBalancesOf(db: DbExecutor, creatorIds: readonly string[], currency: string): Promise<Map<string, CreatorBalances>> {
  const amounts = await balances(
    db,
    creatorIds.flatMap((id) => kinds.map((kind) => creatorAccount(id, kind, currency))),
  );
  return new Map(
    creatorIds.map((id): [string, CreatorBalances] => {
      const of = (kind: CreatorAccountKind) => amounts.get(creatorAccount(id, kind, currency).code) ?? 0n;
      return [id, { available: of('available'), held: of('held'), reserved: of('reserved'), frozen: of('frozen'), paid: of('paid'), debt: of('receivable') }];
    }),
  );
}
