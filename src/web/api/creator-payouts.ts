import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { creatorQueryRoot } from './creator-balance';
import { api, unwrap } from './client';
import type { paths } from './schema';

type HistoryReply = paths['/api/payouts']['get']['responses'][200]['content']['application/json'];
export type CreatorPayout = HistoryReply['data'][number];
export type PayoutStatement = paths['/api/payouts/{id}']['get']['responses'][200]['content']['application/json'];
export type PayoutRequestReply = paths['/api/payouts/request']['post']['responses'][201]['content']['application/json'];

export const PAYOUTS_PAGE_SIZE = 10;

/** The status a creator is shown: a payout an admin rejected is "Rejected" (its explanation says so), not merely cancelled, wherever it appears. */
export function shownStatus(payout: Pick<CreatorPayout, 'status' | 'explanation'>): string {
  return payout.explanation?.state === 'rejected' ? 'REJECTED' : payout.status;
}

/** The creator's payout history, newest first, a page at a time (`GET /api/payouts`). */
export function useCreatorPayouts(cursor: string | undefined) {
  return useQuery({
    queryKey: [...creatorQueryRoot, 'payouts', cursor ?? null],
    queryFn: () => unwrap(api.GET('/api/payouts', { params: { query: { limit: PAYOUTS_PAGE_SIZE, ...(cursor !== undefined && { cursor }) } } })),
    placeholderData: keepPreviousData,
  });
}

/** One payout with the payments it covers (`GET /api/payouts/:id`). */
export function usePayoutStatement(payoutId: string) {
  return useQuery({
    queryKey: [...creatorQueryRoot, 'payout', payoutId],
    queryFn: () => unwrap(api.GET('/api/payouts/{id}', { params: { path: { id: payoutId } } })),
    retry: false,
  });
}

/**
 * `POST /api/payouts/request`. Amounts are minor units, parsed exactly from what the person typed.
 * Success or refusal, the creator's balances, lists and history are read again: a refusal can
 * mean the page was out of date (an open request, a smaller balance).
 */
export function useRequestPayout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { amount: number; currency: string }) => unwrap(api.POST('/api/payouts/request', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: creatorQueryRoot }),
  });
}

/** The creator's whole payout history as CSV (the service picks the creator from the session). */
export const PAYOUTS_CSV_URL = '/api/payouts/export.csv';
