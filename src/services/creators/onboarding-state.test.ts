import { describe, expect, it } from 'vitest';
import { onboardingState, type OnboardingState } from './onboarding-state.js';

describe('onboardingState', () => {
  const account = { stripeAccountId: 'acct_1', payoutsEnabled: false, detailsSubmitted: false, requirementsDue: [] as string[] };
  const cases: Array<[OnboardingState, Parameters<typeof onboardingState>[0]]> = [
    ['no_account', { ...account, stripeAccountId: null }],
    ['not_started', account],
    ['not_started', { ...account, requirementsDue: ['external_account'] }],
    ['pending', { ...account, detailsSubmitted: true }],
    ['payouts_disabled', { ...account, detailsSubmitted: true, requirementsDue: ['individual.verification.document'] }],
    ['complete', { ...account, detailsSubmitted: true, payoutsEnabled: true }],
    ['complete', { ...account, detailsSubmitted: true, payoutsEnabled: true, requirementsDue: ['eventually_due_soon'] }],
  ];
  it.each(cases)('%s', (state, facts) => {
    expect(onboardingState(facts)).toBe(state);
  });
});
