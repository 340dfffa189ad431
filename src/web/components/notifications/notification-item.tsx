import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserNotification } from '../../api/notifications';
import { cn } from '../../lib/cn';
import { formatDateTime, formatRelativeTime } from '../../lib/dates';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { AppLink } from './app-link';

/**
 * One notification: title, body, when (relative and exact), "Open" (its dashboard page, which also
 * marks it read) and "Mark as read". An unread one says so in words ("Unread" badge) besides its
 * bar and bold title, so colour is not the only sign.
 */
export function NotificationItem({
  notification,
  onMarkRead,
  onOpen,
  marking,
}: {
  notification: UserNotification;
  onMarkRead: (id: string) => void;
  onOpen: (id: string) => void;
  marking: boolean;
}) {
  const { t, i18n } = useTranslation('notifications');
  const titleId = useId();
  const unread = notification.readAt === null;

  return (
    <li
      id={notificationElementId(notification.id)}
      tabIndex={-1}
      aria-labelledby={titleId}
      className={cn('border-l-4 px-4 py-3 focus:outline-2 focus:outline-indigo-600', unread ? 'border-l-indigo-700 bg-indigo-50/50' : 'border-l-transparent')}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={titleId} className={cn('text-base text-slate-900', unread ? 'font-semibold' : 'font-normal')}>
          {notification.title}
        </h3>
        {unread && <Badge tone="info">{t('item.unread')}</Badge>}
        {notification.critical && <Badge tone="danger">{t('item.critical')}</Badge>}
      </div>
      <p className="mt-1 text-sm text-slate-800">{notification.body}</p>
      <p className="mt-1 text-xs text-slate-700">
        <time dateTime={notification.createdAt}>{t('item.receivedAt', { relative: formatRelativeTime(notification.createdAt, i18n.language) })}</time>
        <span aria-hidden="true"> · </span>
        <span>{formatDateTime(notification.createdAt, i18n.language)}</span>
      </p>
      {(notification.link !== null || unread) && (
        <div className="mt-2 flex flex-wrap gap-2">
          {notification.link !== null && (
            <Button asChild variant="outline" size="sm">
              <AppLink href={notification.link} aria-describedby={titleId} onClick={() => unread && onOpen(notification.id)}>
                {t('item.open')}
              </AppLink>
            </Button>
          )}
          {unread && (
            <Button variant="ghost" size="sm" aria-describedby={titleId} aria-disabled={marking} onClick={() => !marking && onMarkRead(notification.id)}>
              {t('item.markRead')}
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

/** The list item of a notification, to move the focus to it. */
export function notificationElementId(id: string): string {
  return `notification-${id}`;
}
