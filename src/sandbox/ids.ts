import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A Stripe-looking identifier: the object's prefix followed by random base-62 characters
 * (`pi_3Pq…`, `acct_1N…`). Stripe's ids carry no meaning past the prefix; neither do ours.
 *
 * @example
 * generateId('tr'); // 'tr_1PbW9zQk3u2m7vXa8Hc4dLfE'
 */
export function generateId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${body}`;
}
