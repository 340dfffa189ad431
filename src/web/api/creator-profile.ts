import { useQuery } from '@tanstack/react-query';
import { creatorQueryRoot } from './creator-balance';
import { api, unwrap } from './client';
import type { paths } from './schema';

/** `GET /api/creators/me`: the signed-in creator's profile, Stripe onboarding state and payout settings. */
export type CreatorProfile = paths['/api/creators/me']['get']['responses'][200]['content']['application/json'];
export type OnboardingState = CreatorProfile['onboarding']['state'];

export const creatorProfileQueryKey = [...creatorQueryRoot, 'profile'] as const;

/**
 * The creator's own profile. `recheckEveryMs` reads it again at that pace while `until` is false
 * (after Stripe's onboarding, its confirmation arrives by webhook a moment later).
 */
export function useCreatorProfile(options: { recheckEveryMs?: number; until?: (profile: CreatorProfile) => boolean } = {}) {
  const { recheckEveryMs, until } = options;
  return useQuery({
    queryKey: creatorProfileQueryKey,
    queryFn: () => unwrap(api.GET('/api/creators/me')),
    refetchInterval: recheckEveryMs === undefined ? false : (query) => (query.state.data && until?.(query.state.data) ? false : recheckEveryMs),
  });
}
