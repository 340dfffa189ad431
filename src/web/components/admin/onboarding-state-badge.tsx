import { useTranslation } from 'react-i18next';
import type { OnboardingState } from '../../api/admin-creators';
import { Badge } from '../ui/badge';

const TONES: Record<OnboardingState, 'neutral' | 'info' | 'warning' | 'success' | 'danger'> = {
  no_account: 'neutral',
  not_started: 'warning',
  pending: 'info',
  payouts_disabled: 'danger',
  complete: 'success',
};

/** Where a creator stands with their Stripe connected account, in words (the colour only helps). */
export function OnboardingStateBadge({ state }: { state: OnboardingState }) {
  const { t } = useTranslation('admin');
  return <Badge tone={TONES[state]}>{t(`onboarding.${state}`)}</Badge>;
}
