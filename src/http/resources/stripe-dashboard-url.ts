import type { Config } from '../../config/config.js';

/**
 * The connected account's page in Stripe's dashboard, for admins: live or test by the key in use;
 * null with the local sandbox, which has no dashboard, or without an account.
 */
export function stripeDashboardUrl(config: Pick<Config, 'stripe'>, accountId: string | null): string | null {
  if (accountId === null || config.stripe.secretKey === undefined || config.stripe.apiBase !== undefined) return null;
  const mode = config.stripe.secretKey.includes('_live_') ? '' : '/test';
  return `https://dashboard.stripe.com${mode}/connect/accounts/${encodeURIComponent(accountId)}`;
}
