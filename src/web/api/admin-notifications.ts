import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { adminQueryKey } from './admin-payouts';
import { api, unwrap } from './client';
import type { paths } from './schema';

type MailboxOperation = paths['/api/admin/mailbox']['get'];
export type MailboxQuery = NonNullable<MailboxOperation['parameters']['query']>;
export type MailboxPage = MailboxOperation['responses'][200]['content']['application/json'];
export type MailboxMessage = MailboxPage['data'][number];

type FailedOperation = paths['/api/admin/notifications/failed']['get'];
export type FailedNotificationsQuery = NonNullable<FailedOperation['parameters']['query']>;
export type FailedNotification = FailedOperation['responses'][200]['content']['application/json']['data'][number];

export const adminMailboxQueryKey = [...adminQueryKey, 'mailbox'] as const;
export const adminFailedNotificationsQueryKey = [...adminQueryKey, 'notifications', 'failed'] as const;

/** The delivery worker keeps emails every few seconds while the demo runs: the open mailbox looks again this often. */
const MAILBOX_REFRESH_MS = 15_000;

/** One page of the local mailbox (`GET /api/admin/mailbox`): emails kept instead of sent, newest first. */
export function useMailbox(query: MailboxQuery) {
  return useQuery({
    queryKey: [...adminMailboxQueryKey, query],
    queryFn: () => unwrap(api.GET('/api/admin/mailbox', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: MAILBOX_REFRESH_MS,
  });
}

/** One page of the messages delivery gave up on (`GET /api/admin/notifications/failed`), newest first. */
export function useFailedNotifications(query: FailedNotificationsQuery) {
  return useQuery({
    queryKey: [...adminFailedNotificationsQueryKey, query],
    queryFn: () => unwrap(api.GET('/api/admin/notifications/failed', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** `POST /api/admin/notifications/:id/retry`: back to pending, due now; the worker delivers it within seconds. */
export function useRetryNotification() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/admin/notifications/{id}/retry', { params: { path: { id } } })),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: adminFailedNotificationsQueryKey }), queryClient.invalidateQueries({ queryKey: adminMailboxQueryKey })]),
  });
}
