import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { goToOnboarding, openOnboardingTabIfEmbedded, useOnboardingLink } from '../../api/creator-onboarding';
import { cn } from '../../lib/cn';
import { useErrorMessage } from '../../lib/use-error-message';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

export type OnboardingState = 'no_account' | 'not_started' | 'pending' | 'payouts_disabled' | 'complete';

/** What the dashboard knows of the Stripe account: the state when the service says it, else only whether payouts can be sent. */
export interface OnboardingFacts {
  state?: OnboardingState | undefined;
  requirementsDue?: string[] | undefined;
  stripeConnected: boolean;
}

export function effectiveOnboardingState(facts: OnboardingFacts): OnboardingState {
  return facts.state ?? (facts.stripeConnected ? 'complete' : 'not_started');
}

/**
 * Where the creator stands with Stripe Connect, and — until payouts can be sent — a button that
 * gets a fresh onboarding link and goes there.
 */
export function OnboardingStatus({ facts }: { facts: OnboardingFacts }) {
  const { t } = useTranslation();
  const headingId = useId();
  const state = effectiveOnboardingState(facts);
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
        {!complete && facts.requirementsDue !== undefined && facts.requirementsDue.length > 0 && (
          <p>{t('creator:onboarding.requirements', { count: facts.requirementsDue.length })}</p>
        )}
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
