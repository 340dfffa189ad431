import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { creatorOnboarding, type OnboardingState } from '../creators/onboarding-state.js';
import { cursorDate, decodeCursor, encodeCursor } from '../pagination/keyset-cursor.js';
import { userSearchCondition } from './user-search.js';
import type { UserRole } from './create-user.js';

export interface UserListRow {
  /** The user id: what `POST /api/auth/tokens {userId}` takes. */
  id: string;
  email: string;
  name: string;
  role: UserRole;
  /** A creator's profile id: what payments name in `metadata.creatorId`. Null for an admin. */
  creatorId: string | null;
  stripeAccountId: string | null;
  onboardingState: OnboardingState | null;
  /** The dashboards' language: the creator's, or the one an admin chose (null: not chosen). */
  locale: string | null;
  withPassword: boolean;
  disabled: boolean;
  createdAt: Date;
}

const SORT = 'created_desc';

/**
 * Users, newest first, by role and search (part of the name or email, or a whole user, creator or
 * Stripe account id), cursor-paginated: `payouts users list`.
 * @throws AppError INVALID_CURSOR
 */
export async function listUsers(
  db: DbExecutor,
  input: { role?: UserRole | undefined; search?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ data: UserListRow[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, SORT, 2);
  const rows = await db
    .select({ user: users, creator: creators })
    .from(users)
    .leftJoin(creators, eq(creators.userId, users.id))
    .where(
      and(
        input.role ? eq(users.role, input.role) : undefined,
        userSearchCondition(input.search),
        after ? sql`(${users.createdAt}, ${users.id}) < (${cursorDate(after[0]!).toISOString()}::timestamptz, ${after[1]!})` : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ user, creator }) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      creatorId: creator?.id ?? null,
      stripeAccountId: creator?.stripeAccountId ?? null,
      onboardingState: creator ? creatorOnboarding(creator).state : null,
      locale: creator?.locale ?? user.locale,
      withPassword: user.passwordHash !== null,
      disabled: user.disabledAt !== null,
      createdAt: user.createdAt,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(SORT, [last.user.createdAt.toISOString(), last.user.id]) : null,
  };
}
