import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url), with node:crypto's
 * scrypt: memory-hard, no native dependency. N = 2^15, r = 8, p = 1 costs ~32 MiB and some tens
 * of milliseconds per check — run off the event loop by the async `scrypt`.
 */
interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
const COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function deriveKey(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; node's default cap (32 MiB) is exactly that for our cost, so allow twice it.
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...cost, maxmem: 2 * 128 * cost.N * cost.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hash a password for storage in `users.password_hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash of a password nobody knows, checked when there is no stored hash so that both cases take as long. */
let decoyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `storedHash`, compared in constant time. With no stored hash (an
 * unknown email, a user without a password) it still runs scrypt once on a decoy and answers
 * false, so the time taken does not tell whether the account exists.
 */
export async function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  const parsed = parseHash(storedHash ?? (await (decoyHash ??= hashPassword(randomBytes(24).toString('base64url')))));
  if (!parsed) return false;
  const key = await deriveKey(password, parsed.salt, parsed.cost);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash) && storedHash != null;
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0)) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}
