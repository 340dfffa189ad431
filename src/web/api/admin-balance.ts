import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type BalanceOperation = paths['/api/admin/balance']['get'];
export type PlatformBalanceQuery = NonNullable<BalanceOperation['parameters']['query']>;
export type PlatformBalance = BalanceOperation['responses'][200]['content']['application/json'];
export type CurrencyBalance = PlatformBalance['currencies'][number];
export type BalanceSnapshot = PlatformBalance['history'][number];
export type ThresholdStatus = CurrencyBalance['balanceStatus']['thresholdStatus'];

export const platformBalanceQueryKey = [...adminQueryKey, 'balance'] as const;

/** The latest check per currency and the snapshot history (`GET /api/admin/balance`): what the checks stored, no call to Stripe. */
export function usePlatformBalance(query: PlatformBalanceQuery) {
  return useQuery({
    queryKey: [...platformBalanceQueryKey, query],
    queryFn: () => unwrap(api.GET('/api/admin/balance', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * Check now (`POST /api/cron/platform-balance-check`, which admins may call): reads Stripe's
 * balance, stores an on-demand snapshot, opens or resolves the balance alerts. The reply's
 * `message` says what it found; the page and the alert lists are refreshed.
 */
export function useCheckPlatformBalance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/cron/{job}', { params: { path: { job: 'platform-balance-check' } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}
