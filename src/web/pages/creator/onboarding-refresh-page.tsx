import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { goToOnboarding, useOnboardingLink } from '../../api/creator-onboarding';
import { PageHeader } from '../../components/page-header';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { useErrorMessage } from '../../lib/use-error-message';

/**
 * `/creator/onboarding/refresh` — where Stripe sends the creator when an onboarding link has
 * expired or was already used (the `refresh_url`). A new link is fetched at once and the page goes
 * there; if that fails, the reason and a button to try again.
 */
export default function OnboardingRefreshPage() {
  const { t } = useTranslation();
  const link = useOnboardingLink();
  const errorMessage = useErrorMessage();
  const started = useRef(false);
  const { mutate } = link;

  const fetchAndGo = () => mutate(undefined, { onSuccess: ({ url }) => goToOnboarding(url, null) });
  useEffect(() => {
    // Once, even under StrictMode's double effects: each call makes a new single-use link.
    if (started.current) return;
    started.current = true;
    mutate(undefined, { onSuccess: ({ url }) => goToOnboarding(url, null) });
  }, [mutate]);

  const alreadyComplete = link.error instanceof ApiError && link.error.code === 'ONBOARDING_ALREADY_COMPLETE';
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t('creator:onboardingRefresh.title')} description={alreadyComplete ? undefined : t('creator:onboardingRefresh.description')} />
      <div className="space-y-4">
        {(link.isPending || link.isSuccess || link.isIdle) && <Alert tone="info">{t('creator:onboardingRefresh.opening')}</Alert>}
        {alreadyComplete && <Alert tone="success">{t('creator:onboarding.state.complete')}</Alert>}
        {link.isError && !alreadyComplete && <Alert tone="error">{errorMessage(link.error)}</Alert>}
        <div className="flex flex-wrap gap-3">
          {link.isError && !alreadyComplete && <Button onClick={fetchAndGo}>{t('creator:onboardingRefresh.retry')}</Button>}
          <Link
            to="/dashboard/creator/payouts"
            className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            {t('creator:onboardingReturn.toPayouts')}
          </Link>
        </div>
      </div>
    </div>
  );
}
