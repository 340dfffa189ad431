import { and, eq, inArray } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { notificationPreferences } from '../../db/schema/index.js';
import { notificationCategories, type NotificationCategory } from '../../notifications/catalog.js';

export function isNotificationCategory(value: unknown): value is NotificationCategory {
  return typeof value === 'string' && (notificationCategories as readonly string[]).includes(value);
}

export interface CategoryPreference {
  category: NotificationCategory;
  /** Email on (the default) or off. Critical messages are emailed either way. */
  email: boolean;
  /** In-app notifications cannot be turned off. */
  inApp: true;
}

/** A user's email preference for every category (absent row: on). */
export async function getNotificationPreferences(db: DbExecutor, userId: string): Promise<CategoryPreference[]> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  const off = new Set(rows.filter((r) => !r.email).map((r) => r.category));
  return notificationCategories.map((category) => ({ category, email: !off.has(category), inApp: true }));
}

/** Set email on or off for some categories; the others keep theirs. Returns every category's preference. */
export async function updateNotificationPreferences(
  db: DbExecutor,
  input: { userId: string; changes: readonly { category: NotificationCategory; email: boolean }[]; at: Date },
): Promise<CategoryPreference[]> {
  for (const change of input.changes) {
    await setEmailPreference(db, { userId: input.userId, category: change.category, email: change.email, at: input.at });
  }
  return getNotificationPreferences(db, input.userId);
}

export async function setEmailPreference(db: DbExecutor, input: { userId: string; category: NotificationCategory; email: boolean; at: Date }): Promise<void> {
  await db
    .insert(notificationPreferences)
    .values({ userId: input.userId, category: input.category, email: input.email, updatedAt: input.at })
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.category], set: { email: input.email, updatedAt: input.at } });
}

/** For a batch of users: the categories whose email each one turned off. */
export async function emailOptOuts(db: DbExecutor, userIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (userIds.length === 0) return result;
  const rows = await db
    .select({ userId: notificationPreferences.userId, category: notificationPreferences.category })
    .from(notificationPreferences)
    .where(and(inArray(notificationPreferences.userId, [...userIds]), eq(notificationPreferences.email, false)));
  for (const row of rows) {
    let set = result.get(row.userId);
    if (!set) result.set(row.userId, (set = new Set()));
    set.add(row.category);
  }
  return result;
}
