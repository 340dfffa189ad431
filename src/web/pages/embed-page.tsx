import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, setCsrfToken, unwrap } from '../api/client';
import { markSignedIn, meQueryKey } from '../api/session';
import { Alert } from '../components/ui/alert';

/**
 * `/embed?token=…` (a host platform's iframe): trade the short-lived user token for a session
 * cookie, drop the token from the address bar and the history at once, then open the user's home.
 */
export function EmbedPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<'missing' | 'failed' | undefined>();
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(window.location.search).get('token');
    window.history.replaceState(null, '', '/embed');
    if (!token) {
      setFailure('missing');
      return;
    }
    unwrap(api.POST('/api/auth/embed-session', { headers: { authorization: `Bearer ${token}` } })).then(
      async (session) => {
        setCsrfToken(session.csrfToken);
        markSignedIn();
        await queryClient.invalidateQueries({ queryKey: meQueryKey });
        navigate(session.user.role === 'ADMIN' ? '/dashboard/admin/payouts' : '/dashboard/creator/payouts', { replace: true });
      },
      () => setFailure('failed'),
    );
  }, [navigate, queryClient]);

  return (
    <main id="main" className="mx-auto max-w-lg px-4 py-16">
      <h1 className="mb-4 text-xl font-semibold">{failure ? t('embed.failedTitle') : t('embed.title')}</h1>
      {failure && <Alert tone="error">{t(`embed.${failure}`)}</Alert>}
    </main>
  );
}
