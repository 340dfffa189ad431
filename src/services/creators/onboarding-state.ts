import type { creators } from '../../db/schema/index.js';

/**
 * Where a creator stands with their Stripe connected account, from what the `creators` table
 * knows (kept current by `account.updated` webhooks):
 *
 * - `no_account`: no connected account is linked yet (e.g. a creator made by `payouts users create`
 *   without `--stripe-account`); `POST /api/creators/me/onboarding-link` creates one.
 * - `not_started`: an account exists but its details are not submitted: onboarding was not
 *   started, or not finished.
 * - `pending`: details submitted, payouts not enabled yet, nothing due: Stripe is verifying.
 * - `payouts_disabled`: details submitted but payouts are disabled and Stripe needs more
 *   (`requirementsDue`): the creator must continue onboarding.
 * - `complete`: payouts enabled; the creator can be paid.
 */
export const onboardingStates = ['no_account', 'not_started', 'pending', 'payouts_disabled', 'complete'] as const;
export type OnboardingState = (typeof onboardingStates)[number];

type CreatorAccountFacts = Pick<typeof creators.$inferSelect, 'stripeAccountId' | 'payoutsEnabled' | 'detailsSubmitted' | 'requirementsDue'>;

export function onboardingState(creator: CreatorAccountFacts): OnboardingState {
  if (creator.stripeAccountId === null) return 'no_account';
  if (creator.payoutsEnabled) return 'complete';
  if (!creator.detailsSubmitted) return 'not_started';
  return creator.requirementsDue.length > 0 ? 'payouts_disabled' : 'pending';
}

/** The onboarding facts a dashboard shows: the state, and what it is made of. */
export interface CreatorOnboarding {
  state: OnboardingState;
  stripeAccountId: string | null;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
}

export function creatorOnboarding(creator: CreatorAccountFacts & Pick<typeof creators.$inferSelect, 'chargesEnabled'>): CreatorOnboarding {
  return {
    state: onboardingState(creator),
    stripeAccountId: creator.stripeAccountId,
    chargesEnabled: creator.chargesEnabled,
    payoutsEnabled: creator.payoutsEnabled,
    detailsSubmitted: creator.detailsSubmitted,
    requirementsDue: creator.requirementsDue,
  };
}
