import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCreatorProfile, type CreatorProfile } from '../../api/creator-profile';
import { ContinueOnboardingButton } from '../../components/creator/onboarding-status';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Alert } from '../../components/ui/alert';

/** Stripe's confirmation (`account.updated`) arrives by webhook a moment after the creator is back: look again this often, this long. */
const RECHECK_MS = 3_000;
const RECHECK_FOR_MS = 60_000;

/**
 * `/creator/onboarding/return` — where Stripe sends the creator back after onboarding (the
 * `return_url` the service gives Stripe). Coming back does not mean finished: the page says where
 * the account stands, keeps looking for a minute while Stripe is still checking, and offers to
 * continue onboarding when Stripe needs more.
 */
export default function OnboardingReturnPage() {
  const { t } = useTranslation();
  const [arrivedAt] = useState(() => Date.now());
  const waitedEnough = (at: number) => at - arrivedAt > RECHECK_FOR_MS;
  const finished = (profile: CreatorProfile) => profile.onboarding.state === 'complete' || profile.onboarding.state === 'payouts_disabled';
  const profile = useCreatorProfile({ recheckEveryMs: RECHECK_MS, until: (data) => finished(data) || waitedEnough(Date.now()) });

  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t('creator:onboardingReturn.title')} />
      <QueryState query={profile}>
        {(data) => {
          const { state } = data.onboarding;
          const stillLooking = !finished(data) && !waitedEnough(profile.dataUpdatedAt);
          return (
            <div className="space-y-4">
              {state === 'complete' ? (
                <Alert tone="success">{t('creator:onboardingReturn.complete')}</Alert>
              ) : (
                <Alert tone={state === 'pending' ? 'info' : 'warning'}>
                  <span className="block font-medium">{t(state === 'pending' ? 'creator:onboardingReturn.checking' : 'creator:onboardingReturn.notFinished')}</span>
                  {stillLooking && <span className="block">{t('creator:onboardingReturn.lookingAgain')}</span>}
                </Alert>
              )}
              {state !== 'complete' && <p className="text-sm text-slate-800">{t(`creator:onboarding.state.${state}`)}</p>}
              <div className="flex flex-wrap items-start gap-3">
                <Link
                  to="/dashboard/creator/payouts"
                  className="inline-flex h-9 items-center rounded-md bg-indigo-700 px-4 text-sm font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                >
                  {t('creator:onboardingReturn.toPayouts')}
                </Link>
                {data.canContinueOnboarding && !stillLooking && <ContinueOnboardingButton />}
              </div>
            </div>
          );
        }}
      </QueryState>
    </div>
  );
}
