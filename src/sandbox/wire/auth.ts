import { StripeApiError } from './stripe-error.js';

/**
 * Checks the credentials of a request the way Stripe does: a test-mode secret or restricted
 * key (`sk_test_…`, `rk_test_…`) as `Authorization: Bearer <key>` or as the Basic-auth user
 * name. Anything else gets Stripe's 401. The sandbox accepts any test key: it has one platform.
 */
export function authenticateApiKey(authorization: string | undefined): string {
  const key = extractKey(authorization);
  if (key === undefined) {
    throw unauthorized(
      'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.',
    );
  }
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw unauthorized(`Invalid API Key provided: ${redactKey(key)}`);
  }
  return key;
}

function extractKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, credentials] = authorization.trim().split(/\s+/, 2);
  if (!credentials) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return credentials;
  if (scheme?.toLowerCase() === 'basic') {
    const user = Buffer.from(credentials, 'base64').toString('utf8').split(':')[0];
    return user || undefined;
  }
  return undefined;
}

function redactKey(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message });
}
