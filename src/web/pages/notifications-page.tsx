import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { useMe } from '../api/session';
import { EMAIL_PREFERENCES_ID, EmailPreferencesForm } from '../components/notifications/email-preferences-form';
import { NotificationList } from '../components/notifications/notification-list';
import { PageHeader } from '../components/page-header';

/**
 * `/dashboard/notifications` (creators and admins): the in-app notifications, newest first, and the
 * email preferences (`#email-preferences`, where the unsubscribe page sends people).
 */
export default function NotificationsPage() {
  const { t } = useTranslation('notifications');
  const me = useMe();
  const location = useLocation();
  const role = me.data?.principal.role === 'ADMIN' ? 'ADMIN' : 'CREATOR';

  useEffect(() => {
    if (location.hash === `#${EMAIL_PREFERENCES_ID}`) document.getElementById(EMAIL_PREFERENCES_ID)?.scrollIntoView();
  }, [location.hash]);

  return (
    <>
      <PageHeader title={t('page.title')} description={t('page.description')} />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <NotificationList unreadCount={me.data?.unreadNotifications ?? 0} />
        <EmailPreferencesForm role={role} />
      </div>
    </>
  );
}
