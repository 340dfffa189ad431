import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { onUnauthenticated } from '../api/client';
import { useLogout, useSaveLocale, type Me } from '../api/session';
import { cn } from '../lib/cn';
import { LocaleSwitcher } from './locale-switcher';
import { NotificationsLink } from './notifications/notifications-link';
import { Button } from './ui/button';

const NAV: Record<'ADMIN' | 'CREATOR', { to: string; label: string }[]> = {
  CREATOR: [{ to: '/dashboard/creator/payouts', label: 'nav.myPayouts' }],
  ADMIN: [
    { to: '/dashboard/admin/payouts', label: 'nav.payouts' },
    { to: '/dashboard/admin/approvals', label: 'nav.approvals' },
    { to: '/dashboard/admin/creators', label: 'nav.creators' },
    { to: '/dashboard/admin/alerts', label: 'nav.alerts' },
    { to: '/dashboard/admin/balance', label: 'nav.balance' },
    { to: '/dashboard/admin/reconciliation', label: 'nav.reconciliation' },
    { to: '/dashboard/admin/analytics', label: 'nav.analytics' },
    { to: '/dashboard/admin/mailbox', label: 'nav.mailbox' },
  ],
};

/** The frame of every signed-in page: skip link, navigation for the role, notifications (unread count), language, who is signed in, logout. */
export function AppShell({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  const saveLocale = useSaveLocale();
  const queryClient = useQueryClient();
  const role = me.principal.role === 'ADMIN' ? 'ADMIN' : 'CREATOR';

  useEffect(
    () =>
      onUnauthenticated(() => {
        queryClient.setQueryData(['me'], null);
        navigate('/login?reason=expired', { replace: true });
      }),
    [navigate, queryClient],
  );

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow">
        {t('skipToContent')}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="text-lg font-semibold text-indigo-800">{t('appName')}</span>
          <nav aria-label={t('nav.main')} className="flex flex-wrap gap-1">
            {NAV[role].map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                end={false}
                className={({ isActive }) => cn('rounded-md px-3 py-1.5 text-sm font-medium', isActive ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700 hover:bg-slate-100')}
              >
                {t(item.label)}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-3">
            <NotificationsLink unread={me.unreadNotifications ?? 0} />
            <LocaleSwitcher onChange={(locale) => saveLocale.mutate(locale)} />
            <span className="text-sm text-slate-700">{t('signedInAs', { name: me.user?.name ?? me.principal.actor })}</span>
            <Button
              variant="outline"
              size="sm"
              onClick={() => logout.mutate()}
            >
              {t('logout')}
            </Button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        <Outlet />
      </main>
    </div>
  );
}
