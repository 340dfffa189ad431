import { and, asc, desc, eq, gte, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { alerts, platformBalanceSnapshots } from '../../db/schema/index.js';
import type { Alert } from '../alerts/raise-alert.js';
import { balanceAlertTypes } from './check-platform-balance.js';

export type BalanceSnapshot = typeof platformBalanceSnapshots.$inferSelect;

export interface PlatformBalanceOverview {
  /** Per currency with a snapshot (DEFAULT_CURRENCY first): its latest snapshot and its open balance alerts. */
  currencies: Array<{ currency: string; latest: BalanceSnapshot; openAlerts: Alert[] }>;
  /** The snapshots of the last `days` days, oldest first (of `currency` when given). */
  history: BalanceSnapshot[];
  since: Date;
}

/** At most a year of history in one reply: a daily snapshot per currency, and the on-demand ones. */
export const MAX_HISTORY_DAYS = 366;

/**
 * What the admin balance page shows (`GET /api/admin/balance`, docs/balance.md): the latest
 * status per currency as the last check stored it, the balance alerts still open (their details
 * follow every hourly check, so they are never staler than an hour), and the snapshot history
 * for charts. Reads only the database: a fresh reading from Stripe is
 * `POST /api/cron/platform-balance-check`, which admins may call too.
 */
export async function getPlatformBalance(db: Db, input: { now: Date; days: number; currency?: string; defaultCurrency: string }): Promise<PlatformBalanceOverview> {
  const since = new Date(input.now.getTime() - input.days * 86_400_000);
  const latest = await db
    .selectDistinctOn([platformBalanceSnapshots.currency])
    .from(platformBalanceSnapshots)
    .where(input.currency === undefined ? undefined : eq(platformBalanceSnapshots.currency, input.currency))
    .orderBy(asc(platformBalanceSnapshots.currency), desc(platformBalanceSnapshots.takenAt), desc(platformBalanceSnapshots.id));
  const open = await db
    .select()
    .from(alerts)
    .where(and(inArray(alerts.type, [...balanceAlertTypes]), ne(alerts.status, 'RESOLVED')))
    .orderBy(asc(alerts.id));
  const history = await db
    .select()
    .from(platformBalanceSnapshots)
    .where(and(gte(platformBalanceSnapshots.takenAt, since), input.currency === undefined ? undefined : eq(platformBalanceSnapshots.currency, input.currency)))
    .orderBy(asc(platformBalanceSnapshots.takenAt), asc(platformBalanceSnapshots.id));
  const currencies = latest
    .sort((a, b) => (a.currency === input.defaultCurrency ? -1 : b.currency === input.defaultCurrency ? 1 : a.currency.localeCompare(b.currency)))
    .map((snapshot) => ({ currency: snapshot.currency, latest: snapshot, openAlerts: open.filter((alert) => alert.fingerprint.endsWith(`:${snapshot.currency}`)) }));
  return { currencies, history, since };
}
