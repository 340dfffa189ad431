import { z } from 'zod';
import { balanceThresholdStatuses } from '../../domain/balance/platform-balance.js';
import { alertSeverities, alertStatuses } from '../../domain/alerts/alert-status.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { balanceSnapshotTriggers } from '../../db/schema/index.js';
import { balanceStatusReport, minorNumber } from '../../services/balance/balance-status.js';
import { getPlatformBalance, MAX_HISTORY_DAYS, type BalanceSnapshot } from '../../services/balance/get-platform-balance.js';
import { alertHeadline } from '../../notifications/alert-headline.js';
import type { App } from '../app.js';
import { requestLocale } from '../request-locale.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';

const minor = z.number().int().describe('Minor units');

const balanceStatus = z.object({
  currency: z.string(),
  thresholdStatus: z.enum(balanceThresholdStatuses),
  reasons: z.array(z.string()).describe('Why the status is not healthy, e.g. below_critical_threshold, below_half_of_reserve, below_reserve'),
  availableBalance: minor,
  pendingBalance: minor,
  totalBalance: minor,
  pendingObligations: minor.describe('Owed to creators: held + available + reserved (requested, approved, in flight)'),
  requiredReserve: minor.describe('BALANCE_RESERVE_PERCENT (120) % of the obligations'),
  availableForPayouts: minor.describe('Available beyond the reserve'),
  reserveShortfall: minor.describe('Missing to cover the reserve'),
  daysOfCoverage: z.number().int().nullable().describe('Days until the projected balance no longer covers what is payable; null: not within the 90-day projection'),
  isHealthy: z.boolean(),
  isWarning: z.boolean(),
  isCritical: z.boolean().describe('critical or depleted'),
});

const thresholds = z
  .object({
    comparedWith: z.literal('availableBalance').describe('The figure the thresholds apply to: Stripe’s available balance'),
    critical: minor.nullable().describe('BALANCE_CRITICAL_CENTS: below it, critical. null: not DEFAULT_CURRENCY, judged against its reserve only'),
    warning: minor.nullable().describe('BALANCE_WARNING_CENTS: below it, warning'),
    healthy: minor.nullable().describe('BALANCE_HEALTHY_CENTS: at or above it (and the whole reserve), healthy'),
    reservePercent: z.number().int().describe('BALANCE_RESERVE_PERCENT: the required reserve as a percentage of the obligations'),
    criticalReserve: minor.describe('Half of the required reserve: below it, critical'),
    warningReserve: minor.describe('80 % of the required reserve: below it, warning'),
  })
  .describe('What the status is judged against, from the current configuration (docs/balance.md)');

const latestResource = z.object({
  currency: z.string(),
  snapshotId: z.string(),
  takenAt: z.string(),
  trigger: z.enum(balanceSnapshotTriggers),
  balanceStatus,
  thresholds,
  trend: z.object({ direction: z.enum(['increasing', 'decreasing', 'stable']), averageChange: minor.describe('Per day, over the last 7 days') }).nullable(),
  projection: z
    .object({
      horizonDays: z.number().int(),
      reserveBreachDate: z.string().nullable().describe('YYYY-MM-DD: first day projected below the reserve (today when it already is)'),
      runOutDate: z.string().nullable().describe('YYYY-MM-DD: first day projected unable to cover what is payable'),
      runOutShortfall: minor.nullable(),
    })
    .nullable(),
  metadata: z.record(z.string(), z.unknown()).describe('creatorsWithUnpaidEarnings, creatorsWithoutPayoutAccount, obligationsByBucket, frozen, daysSinceLastSnapshot …'),
  openAlerts: z.array(
    z.object({ id: z.string(), type: z.string(), severity: z.enum(alertSeverities), status: z.enum(alertStatuses), subject: z.string(), headline: z.string().describe('In the reader\'s language, as on GET /api/admin/alerts'), openedAt: z.string(), lastSeenAt: z.string(), occurrences: z.number().int() }),
  ),
});

const historyPoint = z.object({
  currency: z.string(),
  takenAt: z.string(),
  trigger: z.enum(balanceSnapshotTriggers),
  thresholdStatus: z.enum(balanceThresholdStatuses),
  availableBalance: minor,
  pendingBalance: minor,
  pendingObligations: minor,
  requiredReserve: minor,
});

/**
 * The thresholds of docs/balance.md's table for one snapshot, so the page can say what the
 * status was compared with. The absolute ones apply to the platform currency only (DESIGN.md
 * §8); the reserve fractions are the smallest whole amounts not below them (`balance * 2 <
 * reserve` is `balance < ceil(reserve / 2)`). They are today's configuration: snapshots do not
 * store theirs.
 */
function thresholdsOf(snapshot: BalanceSnapshot, config: { defaultCurrency: string; balanceThresholds: { criticalMinor: number; warningMinor: number; healthyMinor: number; reservePercent: number } }) {
  const absolute = snapshot.currency === config.defaultCurrency;
  const { criticalMinor, warningMinor, healthyMinor, reservePercent } = config.balanceThresholds;
  const reserve = snapshot.requiredReserve;
  return {
    comparedWith: 'availableBalance' as const,
    critical: absolute ? criticalMinor : null,
    warning: absolute ? warningMinor : null,
    healthy: absolute ? healthyMinor : null,
    reservePercent,
    criticalReserve: minorNumber((reserve + 1n) / 2n),
    warningReserve: minorNumber((reserve * 4n + 4n) / 5n),
  };
}

const integerText = (value: unknown) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : null);

function latestOf(snapshot: BalanceSnapshot) {
  const { metadata } = snapshot;
  const trendAverage = integerText(metadata.trend?.averageChange);
  return {
    currency: snapshot.currency,
    snapshotId: String(snapshot.id),
    takenAt: snapshot.takenAt.toISOString(),
    trigger: snapshot.trigger,
    balanceStatus: balanceStatusReport({
      currency: snapshot.currency,
      status: snapshot.thresholdStatus,
      reasons: metadata.reasons ?? [],
      available: snapshot.available,
      pending: snapshot.pending,
      obligations: snapshot.obligations,
      requiredReserve: snapshot.requiredReserve,
      daysOfCoverage: metadata.projection?.daysOfCoverage ?? null,
    }),
    trend:
      metadata.trend && trendAverage !== null && ['increasing', 'decreasing', 'stable'].includes(metadata.trend.direction)
        ? { direction: metadata.trend.direction as 'increasing' | 'decreasing' | 'stable', averageChange: trendAverage }
        : null,
    projection: metadata.projection
      ? {
          horizonDays: metadata.projection.horizonDays,
          reserveBreachDate: metadata.projection.reserveBreachDate,
          runOutDate: metadata.projection.runOutDate,
          runOutShortfall: integerText(metadata.projection.runOutShortfall),
        }
      : null,
    metadata,
  };
}

/** Seed 002's balance monitor page (`/admin/balance`): the latest status per currency and the snapshot history for charts (issue 14 §2, docs/balance.md). */
export async function adminBalanceRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/balance',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Platform balance: latest status per currency, open balance alerts, snapshot history',
        description:
          `The latest snapshot per currency (its seed-002 \`balanceStatus\`, trend and projected run-out), the balance alerts still open, and the snapshots of the last \`days\` days ` +
          `(default 30, at most ${MAX_HISTORY_DAYS}), oldest first, for charts. \`currency\`: one currency only. Reads what the checks stored; ` +
          '`POST /api/cron/platform-balance-check` reads Stripe now and stores a snapshot. 400 UNKNOWN_CURRENCY for a code that is not ISO 4217.',
        tags: ['admin', 'balance'],
        querystring: z.strictObject({
          days: z.coerce.number().int().min(1).max(MAX_HISTORY_DAYS).default(30),
          currency: z.string().max(16).optional().describe('ISO 4217, e.g. eur'),
        }),
        response: {
          200: z.object({ defaultCurrency: z.string(), days: z.number().int(), since: z.string(), currencies: z.array(latestResource), history: z.array(historyPoint) }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const { database, config, clock } = app.deps;
      const currency = request.query.currency === undefined ? undefined : normalizeCurrency(request.query.currency);
      const overview = await getPlatformBalance(database.db, { now: clock.now(), days: request.query.days, defaultCurrency: config.defaultCurrency, ...(currency !== undefined && { currency }) });
      return {
        defaultCurrency: config.defaultCurrency,
        days: request.query.days,
        since: overview.since.toISOString(),
        currencies: overview.currencies.map(({ latest, openAlerts }) => ({
          ...latestOf(latest),
          thresholds: thresholdsOf(latest, config),
          openAlerts: openAlerts.map((alert) => ({
            id: String(alert.id),
            type: alert.type,
            severity: alert.severity,
            status: alert.status,
            subject: alert.subject,
            headline: alertHeadline(alert.type, alert.details, requestLocale(request)) ?? alert.subject,
            openedAt: alert.openedAt.toISOString(),
            lastSeenAt: alert.lastSeenAt.toISOString(),
            occurrences: alert.occurrences,
          })),
        })),
        history: overview.history.map((snapshot) => ({
          currency: snapshot.currency,
          takenAt: snapshot.takenAt.toISOString(),
          trigger: snapshot.trigger,
          thresholdStatus: snapshot.thresholdStatus,
          availableBalance: minorNumber(snapshot.available),
          pendingBalance: minorNumber(snapshot.pending),
          pendingObligations: minorNumber(snapshot.obligations),
          requiredReserve: minorNumber(snapshot.requiredReserve),
        })),
      };
    },
  );
}
