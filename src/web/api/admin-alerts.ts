import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type ListOperation = paths['/api/admin/alerts']['get'];
export type AdminAlertsQuery = NonNullable<ListOperation['parameters']['query']>;
export type AdminAlertsPage = ListOperation['responses'][200]['content']['application/json'];
export type AdminAlert = AdminAlertsPage['data'][number];
export type AlertStatus = AdminAlert['status'];
export type AlertSeverity = AdminAlert['severity'];

/** Under the admin key: a payout processed anywhere (which may clear a stale alert) refreshes this list too. */
export const adminAlertsQueryKey = [...adminQueryKey, 'alerts'] as const;

/** Monitors run every 15 minutes, the balance check hourly; an open list looks again every half minute. */
const ALERTS_REFRESH_MS = 30_000;

/** One page of alerts (`GET /api/admin/alerts`), newest first. */
export function useAdminAlerts(query: AdminAlertsQuery) {
  return useQuery({
    queryKey: [...adminAlertsQueryKey, query],
    queryFn: () => unwrap(api.GET('/api/admin/alerts', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

export type AlertAction = { kind: 'acknowledge'; alert: AdminAlert } | { kind: 'resolve'; alert: AdminAlert; note: string } | { kind: 'snooze'; alert: AdminAlert; until: string };

/**
 * Acknowledge, resolve (with a note) or snooze (until an instant) one alert. Whatever the answer —
 * a 409 included, when another admin acted first — every admin list is refreshed, so the page
 * shows the alert as it now is.
 */
export function useAlertAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: AlertAction) => {
      const path = { id: action.alert.id };
      switch (action.kind) {
        case 'acknowledge':
          return unwrap(api.POST('/api/admin/alerts/{id}/acknowledge', { params: { path } }));
        case 'resolve':
          return unwrap(api.POST('/api/admin/alerts/{id}/resolve', { params: { path }, body: { note: action.note } }));
        case 'snooze':
          return unwrap(api.POST('/api/admin/alerts/{id}/snooze', { params: { path }, body: { until: action.until } }));
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}
