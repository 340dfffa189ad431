import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, unwrap } from './client';

export const meQueryKey = ['me'] as const;

/** Remembered on this tab so that a 401 later reads "your session expired", not a plain login page. */
const SIGNED_IN_FLAG = 'payouts.signedIn';

export function markSignedIn(): void {
  sessionStorage.setItem(SIGNED_IN_FLAG, '1');
}

/** Whether this tab had a session (so a 401 now means it expired). Read only: safe during render; logout clears it. */
export function hadSession(): boolean {
  return sessionStorage.getItem(SIGNED_IN_FLAG) === '1';
}

async function fetchMe() {
  try {
    const me = await unwrap(api.GET('/api/auth/me'));
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

const meQueryOptions = { queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000, retry: false } as const;

/** Who is signed in (`null` when nobody is), with the CSRF token every mutation sends. */
export function useMe() {
  return useQuery(meQueryOptions);
}

/** Ask who is signed in as the app starts, while the first page's code is still loading, not after. */
export function prefetchMe(queryClient: QueryClient): void {
  void queryClient.prefetchQuery(meQueryOptions);
}

export type Me = NonNullable<ReturnType<typeof useMe>['data']>;

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/api/auth/login', { body })),
    onSuccess: async (session) => {
      setCsrfToken(session.csrfToken);
      markSignedIn();
      queryClient.clear();
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}

/**
 * Log out, then load `/login?reason=logged-out` afresh: a full page load drops every cached
 * reply and the CSRF token with the session, and no signed-in page gets a chance to redirect on
 * its own first (it would say the session expired).
 */
export function useLogout() {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/logout')),
    onSettled: () => {
      setCsrfToken(undefined);
      sessionStorage.removeItem(SIGNED_IN_FLAG);
      window.location.assign('/login?reason=logged-out');
    },
  });
}

/** Where a signed-in user lands (issue 12 §3): creators on their payouts, admins on the payout queue. */
export function homePathFor(me: Me | null | undefined): string {
  if (!me) return '/login';
  return me.principal.role === 'ADMIN' ? '/dashboard/admin/payouts' : '/dashboard/creator/payouts';
}

/** Store the language in the signed-in user's profile, so it follows them to other browsers (and their emails). */
export function useSaveLocale() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (locale: 'en' | 'fr') => unwrap(api.PATCH('/api/auth/me', { body: { locale } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
