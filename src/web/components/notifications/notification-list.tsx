import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications } from '../../api/notifications';
import { meQueryKey } from '../../api/session';
import { useErrorMessage } from '../../lib/use-error-message';
import { QueryState } from '../query-state';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { NotificationItem, notificationElementId } from './notification-item';

/** Focus an element once React has drawn it (after a list refreshed or grew). */
function focusSoon(find: () => HTMLElement | null | undefined) {
  requestAnimationFrame(() => requestAnimationFrame(() => find()?.focus()));
}

/**
 * The signed-in user's notifications, newest first: "Unread only" (`?unread=true`, shareable),
 * "Mark all as read", "Mark as read" per item and "Load more". After an item is marked read the
 * focus goes to it (or, gone from an unread-only list, to the list's heading), never to the page's top.
 */
export function NotificationList({ unreadCount }: { unreadCount: number }) {
  const { t } = useTranslation('notifications');
  const errorMessage = useErrorMessage();
  const headingId = useId();
  const filterId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === 'true';
  // The box follows a click at once: the URL (and the list) change in a router transition, which
  // would otherwise hold the controlled box at its old state until the new list is in.
  const [filterChecked, setFilterChecked] = useState(unreadOnly);
  useEffect(() => setFilterChecked(unreadOnly), [unreadOnly]);
  const notifications = useNotifications({ unreadOnly });
  const markRead = useMarkNotificationRead();
  const markAllRead = useMarkAllNotificationsRead();
  const [markedAll, setMarkedAll] = useState<number | undefined>();
  const queryClient = useQueryClient();

  // A new notification at the top (the list looks again every 30 s): the header's unread count is out of date.
  const newestId = notifications.data?.pages[0]?.data[0]?.id;
  useEffect(() => {
    if (newestId !== undefined) void queryClient.invalidateQueries({ queryKey: meQueryKey });
  }, [newestId, queryClient]);

  const setUnreadOnly = (value: boolean) => {
    setFilterChecked(value);
    const next = new URLSearchParams(params);
    if (value) next.set('unread', 'true');
    else next.delete('unread');
    setParams(next, { replace: true });
    setMarkedAll(undefined);
  };

  const onMarkRead = (id: string) => {
    setMarkedAll(undefined);
    markRead.mutate(id, {
      onSuccess: () => focusSoon(() => document.getElementById(notificationElementId(id)) ?? headingRef.current),
    });
  };

  /** Opening a notification reads it: marked quietly, the focus follows the link. */
  const onOpen = (id: string) => markRead.mutate(id);

  const onMarkAllRead = () => {
    if (markAllRead.isPending) return;
    markAllRead.mutate(undefined, { onSuccess: (reply) => setMarkedAll(reply.updated) });
  };

  const loadMore = (shown: number) => {
    void notifications.fetchNextPage().then((result) => {
      const first = result.data?.pages.flatMap((page) => page.data)[shown];
      if (first) focusSoon(() => document.getElementById(notificationElementId(first.id)));
    });
  };

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <div>
          <h2 id={headingId} ref={headingRef} tabIndex={-1} className="text-lg font-semibold text-slate-900 focus:outline-none">
            {t('page.listHeading')}
          </h2>
          <p className="text-sm text-slate-700" aria-live="polite">
            {t('page.unreadSummary', { count: unreadCount })}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <span className="flex items-center gap-2">
            <input id={filterId} type="checkbox" className="size-4 accent-indigo-700" checked={filterChecked} onChange={(event) => setUnreadOnly(event.target.checked)} />
            <label htmlFor={filterId} className="text-sm font-medium text-slate-800">
              {t('page.unreadOnly')}
            </label>
          </span>
          <Button variant="outline" size="sm" aria-disabled={markAllRead.isPending || unreadCount === 0} onClick={() => unreadCount > 0 && onMarkAllRead()}>
            {markAllRead.isPending ? t('page.markingAllRead') : t('page.markAllRead')}
          </Button>
        </div>
      </div>
      {(markedAll !== undefined || markAllRead.isError || markRead.isError) && (
        <div className="px-4 pt-3">
          {markedAll !== undefined && <Alert tone="success">{t('page.markedAllRead', { count: markedAll })}</Alert>}
          {markAllRead.isError && <Alert tone="error">{errorMessage(markAllRead.error)}</Alert>}
          {markRead.isError && <Alert tone="error">{errorMessage(markRead.error)}</Alert>}
        </div>
      )}
      <div className="py-2">
        <QueryState query={notifications}>
          {(data) => {
            const items = data.pages.flatMap((page) => page.data);
            if (items.length === 0) return <p className="px-4 py-6 text-center text-sm text-slate-700">{unreadOnly ? t('page.emptyUnread') : t('page.empty')}</p>;
            return (
              <>
                <ul aria-labelledby={headingId} className="divide-y divide-slate-100">
                  {items.map((notification) => (
                    <NotificationItem
                      key={notification.id}
                      notification={notification}
                      onMarkRead={onMarkRead}
                      onOpen={onOpen}
                      marking={markRead.isPending && markRead.variables === notification.id}
                    />
                  ))}
                </ul>
                <div className="flex flex-wrap items-center justify-between gap-3 px-4 pt-3 pb-1">
                  <p className="text-sm text-slate-700">{t('page.shown', { count: items.length })}</p>
                  {notifications.hasNextPage && (
                    <Button variant="outline" size="sm" aria-disabled={notifications.isFetchingNextPage} onClick={() => !notifications.isFetchingNextPage && loadMore(items.length)}>
                      {notifications.isFetchingNextPage ? t('page.loadingMore') : t('page.loadMore')}
                    </Button>
                  )}
                </div>
              </>
            );
          }}
        </QueryState>
      </div>
    </section>
  );
}
