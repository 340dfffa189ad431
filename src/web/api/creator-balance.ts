import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';

/** `GET /api/payouts/request` (seed 000): balances from the ledger, the first payments of each list, the open requests with their explanation. */
export type CreatorBalance = paths['/api/payouts/request']['get']['responses'][200]['content']['application/json'];
export type OpenPayoutRequest = CreatorBalance['pendingPayoutRequests'][number];

/** Every query of the creator's own money starts with this, so one invalidation refreshes the whole dashboard. */
export const creatorQueryRoot = ['creator'] as const;
export const creatorBalanceQueryKey = [...creatorQueryRoot, 'balance'] as const;

/** The signed-in creator's balances in their currency. */
export function useCreatorBalance() {
  return useQuery({
    queryKey: creatorBalanceQueryKey,
    queryFn: () => unwrap(api.GET('/api/payouts/request')),
  });
}
