import { z } from 'zod';
import { paymentStatuses } from '../../db/schema/index.js';
import { analyticsPeriods, parseAnalyticsPeriod } from '../../domain/analytics/analytics-period.js';
import { normalizeCurrency } from '../../domain/money/index.js';
import { getPlatformAnalytics, type AllTimeAndPeriod, type CountAndAmount, type PlatformAnalytics } from '../../services/analytics/get-platform-analytics.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { minorUnits } from '../resources/payment.js';

const minor = z.number().int().describe('Minor units');
const allTimeAndPeriod = z.object({ total: minor, period: minor });
const countAndAmount = z.object({ count: z.number().int(), amount: minor });

export const platformAnalyticsResource = z.object({
  currency: z.string().describe('Lower-case ISO 4217: every amount of the reply is in it'),
  period: z.object({
    days: z.number().int(),
    from: z.string().describe('First day of the period, YYYY-MM-DD (UTC)'),
    to: z.string().describe('Last day of the period: today (UTC)'),
  }),
  currencies: z.array(z.string()).describe('Currencies with figures, and the default one: what ?currency= can show'),
  revenue: allTimeAndPeriod.describe('What customers paid, less refunds and lost disputes = platformFees + creatorEarnings'),
  refunds: allTimeAndPeriod.describe('What went back to customers of those payments'),
  platformFees: allTimeAndPeriod.describe('Fees kept, net of the fee part of refunds'),
  creatorEarnings: allTimeAndPeriod.describe("Creators' shares, net of refunds"),
  payouts: z.object({
    pending: countAndAmount.describe('Open now: PENDING_APPROVAL, PENDING, PROCESSING'),
    completed: countAndAmount.describe('PAID, all time'),
    completedInPeriod: countAndAmount.describe('PAID during the period'),
  }),
  balances: z
    .object({ held: minor, available: minor, reserved: minor, frozen: minor, debt: minor })
    .describe("The creators' ledger balances now, summed: held, available, reserved (payouts in flight), frozen (disputes); debt is what creators owe"),
  topCreators: z
    .array(z.object({ creatorId: z.string(), name: z.string(), email: z.string(), payments: z.number().int(), revenue: minor, earnings: minor }))
    .describe("The period's highest earners (their net shares), at most 10"),
  paymentStatuses: z.object(Object.fromEntries(paymentStatuses.map((status) => [status, z.number().int()]))).describe("The period's payments by their current status"),
  daily: z
    .array(
      z.object({
        date: z.string().describe('YYYY-MM-DD (UTC)'),
        payments: z.number().int(),
        revenue: minor,
        refunds: minor,
        platformFees: minor,
        creatorEarnings: minor,
        payoutsPaid: z.number().int(),
        payoutsPaidAmount: minor,
      }),
    )
    .describe('Every day of the period, oldest first, zeros on a day without activity'),
});

const ofPeriod = (figures: AllTimeAndPeriod) => ({ total: minorUnits(figures.total), period: minorUnits(figures.period) });
const ofCount = (figures: CountAndAmount) => ({ count: figures.count, amount: minorUnits(figures.amount) });

export function toPlatformAnalyticsResource(analytics: PlatformAnalytics): z.infer<typeof platformAnalyticsResource> {
  const { balances } = analytics;
  return {
    currency: analytics.currency,
    period: analytics.period,
    currencies: analytics.currencies,
    revenue: ofPeriod(analytics.revenue),
    refunds: ofPeriod(analytics.refunds),
    platformFees: ofPeriod(analytics.platformFees),
    creatorEarnings: ofPeriod(analytics.creatorEarnings),
    payouts: { pending: ofCount(analytics.payouts.pending), completed: ofCount(analytics.payouts.completed), completedInPeriod: ofCount(analytics.payouts.completedInPeriod) },
    balances: { held: minorUnits(balances.held), available: minorUnits(balances.available), reserved: minorUnits(balances.reserved), frozen: minorUnits(balances.frozen), debt: minorUnits(balances.debt) },
    topCreators: analytics.topCreators.map((creator) => ({ ...creator, revenue: minorUnits(creator.revenue), earnings: minorUnits(creator.earnings) })),
    paymentStatuses: analytics.paymentStatuses,
    daily: analytics.daily.map((day) => ({
      ...day,
      revenue: minorUnits(day.revenue),
      refunds: minorUnits(day.refunds),
      platformFees: minorUnits(day.platformFees),
      creatorEarnings: minorUnits(day.creatorEarnings),
      payoutsPaidAmount: minorUnits(day.payoutsPaidAmount),
    })),
  };
}

/** Seed 000's platform analytics (`/dashboard/admin/analytics`; docs/analytics.md). */
export async function adminAnalyticsRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/analytics',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Platform analytics: revenue, fees, earnings, payouts, balances, top creators, daily series',
        description:
          `\`period\`: ${analyticsPeriods.join(', ')} days ending today (UTC), default 30; \`currency\`: default DEFAULT_CURRENCY. ` +
          "Payments count on the day they were made, net of what was later refunded of them; payouts on the day they were paid. " +
          '400 INVALID_PERIOD for another period, 400 UNKNOWN_CURRENCY for a code that is not ISO 4217.',
        tags: ['admin', 'analytics'],
        querystring: z.strictObject({
          period: z.string().max(16).optional().describe(`Days: ${analyticsPeriods.join(', ')}`),
          currency: z.string().max(16).optional().describe('ISO 4217, e.g. eur; default DEFAULT_CURRENCY'),
        }),
        response: { 200: platformAnalyticsResource, '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { database, config, clock } = app.deps;
      const period = parseAnalyticsPeriod(request.query.period);
      const currency = request.query.currency === undefined ? config.defaultCurrency : normalizeCurrency(request.query.currency);
      return toPlatformAnalyticsResource(await getPlatformAnalytics(database.db, { period, currency, now: clock.now() }));
    },
  );
}
