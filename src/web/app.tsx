import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { hadSession, homePathFor, prefetchMe, useMe } from './api/session';
import { AppShell } from './components/app-shell';
import { QueryState } from './components/query-state';
import { changeLocale, i18next, isSupportedLocale } from './i18n';
import { EmbedPage } from './pages/embed-page';
import { LoginPage } from './pages/login-page';
import { NotFoundPage } from './pages/not-found-page';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: 1 } },
});
prefetchMe(queryClient);
// Some replies carry the service's words in the pages' language (alert headlines): ask again in the new one.
i18next.on('languageChanged', () => void queryClient.invalidateQueries());

type Role = 'ADMIN' | 'CREATOR';

/** Signed-in pages of the given roles: nobody signed in → login (saying so when the session expired); another role → their home. */
function SignedIn({ roles }: { roles: readonly Role[] }) {
  const me = useMe();
  const location = useLocation();
  const { i18n } = useTranslation();
  const profileLocale = me.data?.user?.locale;
  // The profile's language when it is first known or changes (on another device); a choice made
  // here is saved to the profile, so it does not come back as a change (hence only profileLocale as a dependency).
  useEffect(() => {
    if (isSupportedLocale(profileLocale) && profileLocale !== i18n.language) void changeLocale(profileLocale);
  }, [profileLocale]);

  return (
    <QueryState query={me}>
      {(data) => {
        if (!data) {
          const next = encodeURIComponent(location.pathname + location.search);
          return <Navigate to={`/login?next=${next}${hadSession() ? '&reason=expired' : ''}`} replace />;
        }
        const actual = data.principal.role === 'ADMIN' ? 'ADMIN' : 'CREATOR';
        if (!roles.includes(actual)) return <Navigate to={homePathFor(data)} replace />;
        return <AppShell me={data} />;
      }}
    </QueryState>
  );
}

function Home() {
  const me = useMe();
  return <QueryState query={me}>{(data) => <Navigate to={homePathFor(data)} replace />}</QueryState>;
}

/** Each page's code is its own chunk, loaded when its route is first visited. */
function page(load: () => Promise<{ default: () => ReactNode }>) {
  return async () => ({ Component: (await load()).default });
}

/** What shows while the first page's chunk loads on a direct visit (the router's hydration fallback). */
function PageLoading() {
  const { t } = useTranslation();
  return (
    <p className="p-6 text-sm text-slate-600" role="status">
      {t('loading')}
    </p>
  );
}

const router = createBrowserRouter([
  { path: '/', element: <Home />, hydrateFallbackElement: <PageLoading /> },
  { path: '/login', element: <LoginPage /> },
  { path: '/embed', element: <EmbedPage /> },
  { path: '/unsubscribe', lazy: page(() => import('./pages/unsubscribe-page')), hydrateFallbackElement: <PageLoading /> },
  {
    element: <SignedIn roles={['CREATOR', 'ADMIN']} />,
    hydrateFallbackElement: <PageLoading />,
    children: [{ path: '/dashboard/notifications', lazy: page(() => import('./pages/notifications-page')) }],
  },
  {
    element: <SignedIn roles={['CREATOR']} />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      { path: '/dashboard/creator/payouts', lazy: page(() => import('./pages/creator/payouts-page')) },
      { path: '/dashboard/creator/payouts/:payoutId', lazy: page(() => import('./pages/creator/payout-statement-page')) },
      { path: '/creator/onboarding/return', lazy: page(() => import('./pages/creator/onboarding-return-page')) },
      { path: '/creator/onboarding/refresh', lazy: page(() => import('./pages/creator/onboarding-refresh-page')) },
    ],
  },
  {
    element: <SignedIn roles={['ADMIN']} />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      { path: '/dashboard/admin/payouts', lazy: page(() => import('./pages/admin/payouts-page')) },
      { path: '/dashboard/admin/approvals', lazy: page(() => import('./pages/admin/approvals-page')) },
      { path: '/dashboard/admin/creators', lazy: page(() => import('./pages/admin/creators-page')) },
      { path: '/dashboard/admin/alerts', lazy: page(() => import('./pages/admin/alerts-page')) },
      { path: '/dashboard/admin/balance', lazy: page(() => import('./pages/admin/balance-page')) },
      { path: '/dashboard/admin/reconciliation', lazy: page(() => import('./pages/admin/reconciliation-page')) },
      { path: '/dashboard/admin/analytics', lazy: page(() => import('./pages/admin/analytics-page')) },
      { path: '/dashboard/admin/mailbox', lazy: page(() => import('./pages/admin/mailbox-page')) },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
