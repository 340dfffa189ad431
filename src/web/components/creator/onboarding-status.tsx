import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { goToOnboarding, openOnboardingTabIfEmbedded, useOnboardingLink } from '../../api/creator-onboarding';
import { useCreatorProfile, type OnboardingState } from '../../api/creator-profile';
import { cn } from '../../lib/cn';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

/**
 * Where the creator stands with Stripe Connect (`GET /api/creators/me`), and — until payouts can
 * be sent — a button that gets a fresh onboarding link and goes there. Until the profile is read
 * (or if it cannot be), the balance's `stripeConnected` says whether payouts can be sent.
 */
export function OnboardingStatus({ stripeConnected }: { stripeConnected: boolean }) {
  const { t } = useTranslation();
  const headingId = useId();
  const profile = useCreatorProfile();
  const onboarding = profile.data?.onboarding;
  const state: OnboardingState = onboarding?.state ?? (stripeConnected ? 'complete' : 'not_started');
  const requirementsDue = onboarding?.requirementsDue ?? [];
  const complete = state === 'complete';
  return (
    <section
      aria-labelledby={headingId}
      className={cn('flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 text-sm', complete ? 'border-green-200 bg-green-50 text-green-950' : 'border-amber-300 bg-amber-50 text-amber-950')}
    >
      <div>
        <h2 id={headingId} className="font-semibold">
          {t('creator:onboarding.title')}
        </h2>
        <p>{t(`creator:onboarding.state.${state}`)}</p>
        {!complete && requirementsDue.length > 0 && <p>{t('creator:onboarding.requirements', { count: requirementsDue.length })}</p>}
      </div>
      {!complete && <ContinueOnboardingButton />}
    </section>
  );
}

/** "Continue onboarding": a fresh link each time (Stripe's links are single-use and expire), then off to Stripe. */
export function ContinueOnboardingButton() {
  const { t } = useTranslation();
  const link = useOnboardingLink();
  const errorMessage = useErrorMessage();
  const busy = link.isPending || link.isSuccess;
  return (
    <div className="flex flex-col items-start gap-2">
      <Button
        aria-disabled={busy}
        onClick={() => {
          if (busy) return;
          const tab = openOnboardingTabIfEmbedded();
          link.mutate(undefined, {
            onSuccess: ({ url }) => {
              goToOnboarding(url, tab);
              // In a new tab this page stays: the button is ready for another go.
              if (tab) link.reset();
            },
            onError: () => tab?.close(),
          });
        }}
      >
        {busy ? t('creator:onboarding.opening') : t('creator:onboarding.continue')}
      </Button>
      {link.isError && <Alert tone="error">{errorMessage(link.error)}</Alert>}
    </div>
  );
}
