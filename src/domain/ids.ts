import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A Stripe-style id: a type prefix and 20 random base-62 characters (≈119 bits), e.g.
 * `pay_3kTq…`. The prefix tells a reader (and a support request) what the id names.
 */
export function newId(prefix: 'usr' | 'cr' | 'pay' | 'po' | 'key' | 'evt' | 'ref' | 'blk'): string {
  const bytes = randomBytes(20);
  let out = `${prefix}_`;
  for (const byte of bytes) out += alphabet[byte % 62];
  return out;
}
