import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/config.js';

/** What the auth layer needs at run time, resolved once when the app is built. */
export interface AuthSettings {
  /** HS256 key of user tokens: SESSION_SECRET, or an ephemeral random one outside production. */
  sessionSecret: Uint8Array;
  userTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  cookie: { name: string; secure: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    authSettings: AuthSettings;
  }
}

/** The session cookie. `__Host-` would need Secure, which plain-http development lacks. */
export const SESSION_COOKIE_NAME = 'payouts_session';

/**
 * Settings from the configuration. Without SESSION_SECRET (allowed only outside production —
 * `loadConfig` refuses it in production) a random secret is made and a warning logged: tokens
 * then stop working when the process restarts, and differ between instances.
 */
export function resolveAuthSettings(config: Config, log: FastifyBaseLogger): AuthSettings {
  let sessionSecret: Uint8Array;
  if (config.sessionSecret !== undefined) {
    sessionSecret = new TextEncoder().encode(config.sessionSecret);
  } else {
    sessionSecret = randomBytes(32);
    log.warn('SESSION_SECRET is not set: using an ephemeral secret, so bearer user tokens will not survive a restart. Set SESSION_SECRET (at least 32 characters) outside development.');
  }
  return {
    sessionSecret,
    userTokenTtlSeconds: config.auth.userTokenTtlSeconds,
    sessionTtlSeconds: config.auth.sessionTtlSeconds,
    cookie: { name: SESSION_COOKIE_NAME, secure: config.isProduction },
  };
}
