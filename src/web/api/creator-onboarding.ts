import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from './client';

/**
 * `POST /api/creators/me/onboarding-link`: a fresh, single-use link to Stripe's hosted onboarding
 * for the signed-in creator (a connected account is created first when there is none).
 */
export function useOnboardingLink() {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/creators/me/onboarding-link')),
  });
}

/**
 * Go to Stripe's onboarding. Stripe's pages refuse to be framed, so a dashboard embedded in a host
 * platform's iframe opens them in a new tab (`pending`, opened during the click so no popup
 * blocker stops it); otherwise the page itself goes there.
 */
export function goToOnboarding(url: string, pending: Window | null): void {
  if (pending) {
    pending.location.href = url;
    return;
  }
  window.location.assign(url);
}

/** In an iframe, a tab opened now (in the click) for the link that arrives later; null otherwise. */
export function openOnboardingTabIfEmbedded(): Window | null {
  if (window.self === window.top) return null;
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  return tab;
}
