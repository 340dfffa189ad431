import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminPayoutsQueryKey, adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

export type ReviewPayoutReply = paths['/api/admin/payout-approval']['post']['responses'][200]['content']['application/json'];
export type ReviewAction = 'approve' | 'reject';

/** The approval queue (seed 002 §7): payouts flagged by the limit and fraud rules, the longest waiting first. */
export function useApprovalQueue(query: { cursor?: string | undefined; limit: number }) {
  const params = { status: 'PENDING_APPROVAL' as const, order: 'asc' as const, limit: query.limit, ...(query.cursor && { cursor: query.cursor }) };
  return useQuery({
    queryKey: [...adminPayoutsQueryKey, params],
    queryFn: () => unwrap(api.GET('/api/admin/payouts', { params: { query: params } })),
    placeholderData: keepPreviousData,
  });
}

/** Approve (then the service processes it at once) or reject (notes required) a payout waiting for approval. */
export function useReviewPayout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { payoutId: string; action: ReviewAction; notes?: string }) => unwrap(api.POST('/api/admin/payout-approval', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminQueryKey }),
  });
}
