import { or, sql, type SQL } from 'drizzle-orm';
import { creators, users } from '../../db/schema/index.js';

/**
 * What a person types into "search" to find a user: part of the name or email (any case), or a
 * whole id — the user's `usr_…`, the creator's `cr_…` or the Stripe account's `acct_…`. Needs
 * `creators` left- or inner-joined on the user. Empty or blank: no condition.
 */
export function userSearchCondition(search: string | undefined): SQL | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(
    sql`${users.name} ilike ${pattern}`,
    sql`${users.email} ilike ${pattern}`,
    sql`${users.id} = ${text}`,
    sql`${creators.id} = ${text}`,
    sql`${creators.stripeAccountId} = ${text}`,
  );
}
