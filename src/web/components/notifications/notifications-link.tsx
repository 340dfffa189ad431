import { Bell } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { cn } from '../../lib/cn';

export const NOTIFICATIONS_PATH = '/dashboard/notifications';

/**
 * The header's way to the notifications page, with the unread count (`GET /api/auth/me` →
 * `unreadNotifications`). Its name says the count in words ("Notifications, 3 unread"): the badge
 * (a number, up to 99+) is hidden from screen readers and a visually hidden phrase reads instead.
 */
export function NotificationsLink({ unread }: { unread: number }) {
  const { t } = useTranslation('notifications');
  return (
    <NavLink
      to={NOTIFICATIONS_PATH}
      className={({ isActive }) =>
        cn('inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600', isActive ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700 hover:bg-slate-100')
      }
    >
      <Bell aria-hidden="true" className="size-4" />
      <span aria-hidden="true">{t('header.label')}</span>
      {unread > 0 && (
        <span aria-hidden="true" className="tabular min-w-5 rounded-full bg-indigo-700 px-1.5 py-0.5 text-center text-xs font-semibold text-white">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
      {/* One phrase for screen readers: pieces in separate elements would be read with a stray space ("Notifications , 3 unread"). */}
      <span className="sr-only">{t('header.labelWithCount', { count: unread })}</span>
    </NavLink>
  );
}
