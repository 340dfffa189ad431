import { decodeJwt } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey } from '../../services/api-keys/authenticate-api-key.js';
import { authenticateCronCredential } from '../../services/auth/authenticate-cron-credential.js';
import { authenticateSession, type ActiveSession } from '../../services/auth/authenticate-session.js';
import { USER_TOKEN_AUDIENCE } from '../../services/auth/issue-user-token.js';
import { secretsEqual } from '../../services/auth/secret-digest.js';
import { verifyUserToken } from '../../services/auth/verify-user-token.js';
import type { ActiveUser } from '../../services/users/find-active-user.js';
import { csrfTokenInvalid, unauthenticated } from './auth-errors.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How the auth hook treats this route's credentials. Default: bad credentials are a 401.
     * `'ignore'`: not looked at (login: a stale cookie must not stop anyone logging in again).
     * `'lenient'`: bad ones leave the request anonymous (logout: an ended session still logs out).
     */
    authentication?: 'ignore' | 'lenient';
  }
}

/** The session behind a cookie-authenticated request, for /api/auth/me (its CSRF token) and logout. */
const sessionsOfRequests = new WeakMap<FastifyRequest, ActiveSession & { token: string }>();

export function sessionOf(request: FastifyRequest): (ActiveSession & { token: string }) | undefined {
  return sessionsOfRequests.get(request);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

function userPrincipal(user: ActiveUser, via: 'session' | 'token'): Principal {
  return {
    role: user.role,
    actor: `user:${user.id}`,
    userId: user.id,
    ...(user.role === 'CREATOR' && user.creatorId !== null ? { creatorId: user.creatorId } : {}),
    via,
  };
}

async function principalFromBearer(request: FastifyRequest, credential: string): Promise<Principal> {
  const { config, clock, database } = request.server.deps;
  const cronSecret = config.cron.secret;
  if (cronSecret !== undefined && secretsEqual(credential, cronSecret)) return { role: 'CRON', actor: 'cron', via: 'cron_secret' };

  if (credential.startsWith('pk_')) {
    const key = await authenticateApiKey(database.db, credential, { clock });
    if (!key) throw unauthenticated('Unknown or revoked API key.');
    return { role: key.role, actor: `api_key:${key.id}`, apiKeyId: key.id, via: 'api_key' };
  }

  if (credential.split('.').length === 3) {
    let audience: string | string[] | undefined;
    try {
      audience = decodeJwt(credential).aud;
    } catch {
      throw unauthenticated('The bearer token is malformed.');
    }
    // Routing on the unverified `aud` is safe: each branch verifies with its own key and rules.
    const isUserToken = audience === USER_TOKEN_AUDIENCE || (Array.isArray(audience) && audience.includes(USER_TOKEN_AUDIENCE));
    if (isUserToken) {
      const verified = await verifyUserToken(database.db, credential, { clock, secret: request.server.authSettings.sessionSecret });
      if (!verified.ok) throw unauthenticated(verified.reason === 'expired' ? 'The bearer token has expired: ask for a new one.' : 'The bearer token is not valid.');
      return userPrincipal(verified.user, 'token');
    }
    const cron = await authenticateCronCredential(credential, { config, clock });
    if (cron.ok) return { role: 'CRON', actor: 'cron', via: cron.via };
    const reasons = { expired: 'The cron token has expired.', too_long_lived: 'The cron token lives too long (at most 1 hour).', invalid: 'The bearer token is not valid.' };
    throw unauthenticated(reasons[cron.reason]);
  }
  throw unauthenticated('The bearer credential is not valid.');
}

async function principalFromCookie(request: FastifyRequest, reply: FastifyReply, token: string): Promise<Principal> {
  const { clock, database } = request.server.deps;
  const session = await authenticateSession(database.db, token, { clock });
  if (!session) {
    reply.clearCookie(request.server.authSettings.cookie.name, { path: '/' });
    throw unauthenticated('Your session has expired or ended: log in again.');
  }
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (typeof header !== 'string' || !secretsEqual(header, session.csrfToken)) throw csrfTokenInvalid();
  }
  sessionsOfRequests.set(request, { ...session, token });
  return userPrincipal(session.user, 'session');
}

/**
 * The onRequest hook of `registerAuth`: sets `request.principal` from the request's credentials.
 * `Authorization: Bearer` wins over the cookie (and needs no CSRF token: a browser never adds it
 * on its own). No credentials → null (anonymous); bad ones → 401, never anonymous.
 */
export async function resolvePrincipal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.principal = null;
  const mode = request.routeOptions.config?.authentication;
  if (mode === 'ignore') return;
  try {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const credential = BEARER.exec(authorization)?.[1];
      if (!credential) throw unauthenticated('The Authorization header must be `Bearer <credential>`.');
      request.principal = await principalFromBearer(request, credential);
      return;
    }
    const cookie = request.cookies[request.server.authSettings.cookie.name];
    if (cookie) request.principal = await principalFromCookie(request, reply, cookie);
  } catch (error) {
    if (mode === 'lenient' && (error as { code?: unknown }).code === 'UNAUTHENTICATED') return;
    throw error;
  }
}
