import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { creatorQueryRoot } from './creator-balance';
import { api, unwrap } from './client';
import type { paths } from './schema';

type PaymentsReply = paths['/api/payments']['get']['responses'][200]['content']['application/json'];
export type CreatorPayment = PaymentsReply['data'][number];
export type PaymentStatus = CreatorPayment['status'];

/** Rows per page of each payment table: a page, never all rows (a creator may have thousands). */
export const PAYMENTS_PAGE_SIZE = 10;

/**
 * The order of each list, as `GET /api/payouts/request` orders its first rows: ready and held by
 * release date (the next to be released first: what the countdown is about), paid newest first.
 */
const ORDER = { READY: 'release_asc', HELD: 'release_asc', PAID: 'updated_desc' } as const satisfies Partial<Record<PaymentStatus, string>>;
export type ListedPaymentStatus = keyof typeof ORDER;

export function creatorPaymentsQueryKey(status: ListedPaymentStatus, currency: string, cursor: string | undefined) {
  return [...creatorQueryRoot, 'payments', status, currency, cursor ?? null] as const;
}

/** One page of the creator's payments in one status and currency (`GET /api/payments?status=&currency=&order=&limit=&cursor=`). */
export function useCreatorPayments(status: ListedPaymentStatus, currency: string, cursor: string | undefined) {
  return useQuery({
    queryKey: creatorPaymentsQueryKey(status, currency, cursor),
    queryFn: () =>
      unwrap(api.GET('/api/payments', { params: { query: { status, currency, order: ORDER[status], limit: PAYMENTS_PAGE_SIZE, ...(cursor !== undefined && { cursor }) } } })),
    // The table keeps its rows while the next page loads, instead of collapsing to "Loading…".
    placeholderData: keepPreviousData,
  });
}
