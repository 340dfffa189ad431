import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type AnalyticsOperation = paths['/api/admin/analytics']['get'];
export type AnalyticsQuery = NonNullable<AnalyticsOperation['parameters']['query']>;
export type Analytics = AnalyticsOperation['responses'][200]['content']['application/json'];
export type AnalyticsDay = Analytics['daily'][number];
export type PaymentStatusCounts = Analytics['paymentStatuses'];

/** The periods the API answers (days ending today, UTC). */
export const ANALYTICS_PERIODS = ['7', '30', '90', '365'] as const;
export type AnalyticsPeriod = (typeof ANALYTICS_PERIODS)[number];

export const analyticsQueryKey = [...adminQueryKey, 'analytics'] as const;

/** The platform's figures for a period and currency (`GET /api/admin/analytics`, seed 000). */
export function useAnalytics(query: { period: AnalyticsPeriod; currency?: string | undefined }) {
  const params: AnalyticsQuery = { period: query.period, ...(query.currency && { currency: query.currency }) };
  return useQuery({
    queryKey: [...analyticsQueryKey, params],
    queryFn: () => unwrap(api.GET('/api/admin/analytics', { params: { query: params } })),
    placeholderData: keepPreviousData,
  });
}
