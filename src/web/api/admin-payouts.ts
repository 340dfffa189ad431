import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';

type ListOperation = paths['/api/admin/payouts']['get'];
export type AdminPayoutsQuery = NonNullable<ListOperation['parameters']['query']>;
export type AdminPayoutsPage = ListOperation['responses'][200]['content']['application/json'];
export type AdminPayout = AdminPayoutsPage['data'][number];
export type PayoutStatus = AdminPayout['status'];

export type ProcessPayoutReply = paths['/api/admin/payouts']['post']['responses'][200]['content']['application/json'];
export type BulkProcessReply = paths['/api/admin/payouts/bulk']['post']['responses'][200]['content']['application/json'];
export type BulkProcessResult = BulkProcessReply['results'][number];

/** Every admin query starts with this, so that a payout processed anywhere refreshes every admin table. */
export const adminQueryKey = ['admin'] as const;
export const adminPayoutsQueryKey = [...adminQueryKey, 'payouts'] as const;

/** While a payout is being transferred, its row is refreshed until Stripe's answer lands. */
const PROCESSING_REFRESH_MS = 2_000;

/** One page of the admin payout table (`GET /api/admin/payouts`), newest request first. */
export function useAdminPayouts(query: AdminPayoutsQuery) {
  return useQuery({
    queryKey: [...adminPayoutsQueryKey, query],
    queryFn: () => unwrap(api.GET('/api/admin/payouts', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => (current.state.data?.data.some((payout) => payout.status === 'PROCESSING') ? PROCESSING_REFRESH_MS : false),
  });
}

/** Process one PENDING payout: the Stripe transfer (seed 000 `POST /api/admin/payouts`). */
export function useProcessPayout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { payoutId: string; notes?: string }) => unwrap(api.POST('/api/admin/payouts', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}

/** Process many payouts at once; the reply has one result per payout, in the order asked. */
export function useProcessPayoutsInBulk() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { payoutIds: string[]; notes?: string }) => unwrap(api.POST('/api/admin/payouts/bulk', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}
