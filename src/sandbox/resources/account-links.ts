import { unixSeconds } from '../clock.js';
import type { SandboxContext } from '../context.js';
import { generateId } from '../ids.js';
import type { StripeRouter } from '../router.js';
import type { StripeObject } from '../state.js';
import { optionalEnum, requiredString } from '../wire/params.js';
import { invalidRequest } from '../wire/stripe-error.js';
import type { AccountObject } from './accounts.js';

/** Where an onboarding link leads; kept by the sandbox under an unguessable token. */
export interface AccountLinkRecord extends StripeObject {
  object: 'sandbox.account_link';
  account: string;
  return_url: string;
  refresh_url: string;
  expires_at: number;
}

/** Account links last 5 minutes in Stripe. */
const LINK_LIFETIME_SECONDS = 300;

/**
 * `POST /v1/account_links`: an onboarding URL on the sandbox itself. Opening it
 * (`GET /_sandbox/onboarding/:token`) completes onboarding at once and redirects to `return_url`.
 */
export function registerAccountLinkRoutes(router: StripeRouter): void {
  router.post('/v1/account_links', ({ sandbox, params, isPlatform }) => {
    if (!isPlatform) throw invalidRequest('Only platforms can create account links.');
    const accountId = requiredString(params, 'account');
    const account = sandbox.store.get<AccountObject>('account', accountId, sandbox.platformAccountId, { label: 'account', param: 'account' });
    if (account.type === 'standard' && account.id === sandbox.platformAccountId) throw invalidRequest('You cannot create an account link for your own account.', { param: 'account' });
    optionalEnum(params, 'type', ['account_onboarding', 'account_update'] as const);
    requiredString(params, 'type');
    const now = unixSeconds(sandbox.clock);
    const link: AccountLinkRecord = {
      id: generateId('link', 32),
      object: 'sandbox.account_link',
      account: account.id,
      return_url: requiredString(params, 'return_url'),
      refresh_url: requiredString(params, 'refresh_url'),
      expires_at: now + LINK_LIFETIME_SECONDS,
    };
    sandbox.store.insert(sandbox.platformAccountId, link);
    return { object: 'account_link', created: now, expires_at: link.expires_at, url: onboardingUrl(sandbox, link.id) };
  });
}

export function onboardingUrl(sandbox: SandboxContext, token: string): string {
  return `${sandbox.baseUrl}/_sandbox/onboarding/${token}`;
}
