import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
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

/**
 * Mark notifications read in every cached list at once (`which`: one id, or all), so that a list
 * shown again — "Unread only" turned off — does not show them unread while it is fetched anew.
 */
function markReadInCache(queryClient: QueryClient, which: string | 'all'): void {
  const readAt = new Date().toISOString();
  queryClient.setQueriesData<InfiniteData<NotificationsPage>>({ queryKey: [...notificationsQueryKey, 'list'] }, (data) =>
    data === undefined
      ? data
      : {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            data: page.data.map((n) => (n.readAt === null && (which === 'all' || n.id === which) ? { ...n, readAt } : n)),
          })),
        },
  );
}

/** `POST /api/notifications/:id/read`. */
export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: (_reply, id) => markReadInCache(queryClient, id),
    onSettled: () => refreshNotifications(queryClient),
  });
}

/** `POST /api/notifications/read-all` → how many were unread. */
export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/notifications/read-all')),
    onSuccess: () => markReadInCache(queryClient, 'all'),
    onSettled: () => refreshNotifications(queryClient),
  });
}
