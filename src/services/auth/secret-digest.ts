import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The SHA-256 (hex) under which a high-entropy secret is stored: API keys and session tokens
 * are 32 random bytes, so a fast hash is enough — the table never holds the secret itself.
 */
export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Compare two secrets (or two digests) in constant time. Both sides are hashed first, so the
 * comparison takes the same time whatever the lengths and wherever they first differ.
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}
