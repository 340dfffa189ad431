import { useInfiniteQuery, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';
import { meQueryKey } from './session';

type ListOperation = paths['/api/notifications']['get'];
export type NotificationsPage = ListOperation['responses'][200]['content']['application/json'];
export type UserNotification = NotificationsPage['data'][number];
export type NotificationCategory = UserNotification['category'];

/** Every query of the signed-in user's notifications starts with this; the unread count lives in `GET /api/auth/me`. */
export const notificationsQueryKey = ['notifications'] as const;

export const NOTIFICATIONS_PAGE_SIZE = 20;

/** New notifications arrive from the delivery worker at any time: the open list looks again this often. */
const NOTIFICATIONS_REFRESH_MS = 30_000;

/**
 * The signed-in user's notifications, newest first, a page at a time ("Load more" appends the next
 * page: `GET /api/notifications?unread=&limit=&cursor=`).
 */
export function useNotifications({ unreadOnly }: { unreadOnly: boolean }) {
  return useInfiniteQuery({
    queryKey: [...notificationsQueryKey, 'list', { unreadOnly }],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/notifications', { params: { query: { limit: NOTIFICATIONS_PAGE_SIZE, ...(unreadOnly && { unread: 'true' }), ...(pageParam !== undefined && { cursor: pageParam }) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: NOTIFICATIONS_REFRESH_MS,
  });
}

/** After any change to what is read: the lists and the unread count of the header. */
function refreshNotifications(queryClient: QueryClient): Promise<unknown> {
  return Promise.all([queryClient.invalidateQueries({ queryKey: notificationsQueryKey }), queryClient.invalidateQueries({ queryKey: meQueryKey })]);
}

/** `POST /api/notifications/:id/read`. */
export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSettled: () => refreshNotifications(queryClient),
  });
}

/** `POST /api/notifications/read-all` → how many were unread. */
export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/notifications/read-all')),
    onSettled: () => refreshNotifications(queryClient),
  });
}
