import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { cursorDate, decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';
import { userSearchCondition } from '../users/user-search.js';
import { creatorBalancesOf, type CreatorBalances } from './creator-balances.js';
import { creatorOnboarding, type CreatorOnboarding } from './onboarding-state.js';

export interface AdminCreatorRow {
  userId: string;
  creatorId: string;
  name: string;
  email: string;
  /** The creator's language (their messages and dashboard). */
  locale: string;
  /** The creator's own currency (new payments default to it). */
  creatorCurrency: string;
  createdAt: Date;
  disabled: boolean;
  onboarding: CreatorOnboarding;
  /** Ledger balances in `currency` (the list's: DEFAULT_CURRENCY unless asked otherwise). */
  balances: CreatorBalances;
}

export interface ListCreatorsForAdminInput {
  /** Part of the name or email, or a whole user, creator or Stripe account id. */
  search?: string | undefined;
  /** The currency of the balances shown. */
  currency: string;
  /** 1–200, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

const SORT = 'created_desc';

/**
 * The admin's creator list (issue 12, `/dashboard/admin/creators`): newest first, searched by
 * name, email or id, each with both ids, their onboarding state and their ledger balances in one
 * currency (one query for the page's balances).
 * @throws AppError INVALID_CURSOR
 */
export async function listCreatorsForAdmin(db: DbExecutor, input: ListCreatorsForAdminInput): Promise<{ data: AdminCreatorRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, SORT, 2);
  const rows = await db
    .select({ user: users, creator: creators })
    .from(creators)
    .innerJoin(users, eq(users.id, creators.userId))
    .where(
      and(
        userSearchCondition(input.search),
        after ? sql`(${creators.createdAt}, ${creators.id}) < (${cursorDate(after[0]!).toISOString()}::timestamptz, ${after[1]!})` : undefined,
      ),
    )
    .orderBy(desc(creators.createdAt), desc(creators.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const balances = await creatorBalancesOf(
    db,
    page.map((r) => r.creator.id),
    input.currency,
  );
  const last = page.at(-1);
  return {
    data: page.map(({ user, creator }) => ({
      userId: user.id,
      creatorId: creator.id,
      name: user.name,
      email: user.email,
      locale: creator.locale,
      creatorCurrency: creator.currency,
      createdAt: creator.createdAt,
      disabled: user.disabledAt !== null,
      onboarding: creatorOnboarding(creator),
      balances: balances.get(creator.id)!,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(SORT, [last.creator.createdAt.toISOString(), last.creator.id]) : null,
  };
}
