import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { DbExecutor } from '../../db/database.js';
import { AppError } from '../../domain/errors/index.js';
import type { Actor, ServiceContext } from '../context.js';
import { findActiveUser, type ActiveUser } from '../users/find-active-user.js';

/** The `aud` of user tokens: how a bearer JWT is told apart from a cron JWT, and never accepted as one. */
export const USER_TOKEN_AUDIENCE = 'payouts:user';
export const USER_TOKEN_ISSUER = 'payouts';

export interface IssueUserTokenInput {
  userId: string;
  /** The API key asking. A PLATFORM key may only act as creators; an ADMIN key as anyone. */
  issuer: { role: 'ADMIN' | 'PLATFORM'; actor: Actor };
}

export interface UserTokenContext extends Pick<ServiceContext, 'clock'> {
  /** The HS256 key (SESSION_SECRET, or the ephemeral one of a development server). */
  secret: Uint8Array;
  ttlSeconds: number;
}

export interface IssuedUserToken {
  token: string;
  expiresAt: Date;
  user: ActiveUser;
}

/**
 * A short-lived bearer token acting as a user: how a host platform embeds the creator dashboard
 * (its backend holds the PLATFORM key and hands the browser a token for that creator only). An
 * HS256 JWT: `sub` the user, `aud` USER_TOKEN_AUDIENCE, `exp` from the service clock, and the
 * RFC 8693 `act` claim naming the key that asked. Tokens are not stored, so they cannot be
 * revoked one by one — hence the short life; disabling the user stops them at once.
 *
 * @throws AppError USER_NOT_FOUND (no such active user), FORBIDDEN (a PLATFORM key asking for an admin)
 * @example
 * const { token } = await issueUserToken(db, { userId, issuer: { role: 'PLATFORM', actor: 'api_key:key_…' } }, { clock, secret, ttlSeconds: 900 });
 * // the browser then sends `Authorization: Bearer ${token}`
 */
export async function issueUserToken(db: DbExecutor, input: IssueUserTokenInput, context: UserTokenContext): Promise<IssuedUserToken> {
  const user = await findActiveUser(db, input.userId);
  if (!user) throw new AppError('USER_NOT_FOUND', `No active user with id ${input.userId}.`, { kind: 'not_found', details: { userId: input.userId } });
  if (user.role === 'ADMIN' && input.issuer.role !== 'ADMIN') {
    throw new AppError('FORBIDDEN', 'A platform key can only issue tokens for creators.', { kind: 'forbidden' });
  }
  const issuedAt = Math.floor(context.clock.now().getTime() / 1000);
  const expiresAt = issuedAt + context.ttlSeconds;
  const token = await new SignJWT({ act: { sub: input.issuer.actor } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(USER_TOKEN_AUDIENCE)
    .setIssuer(USER_TOKEN_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(context.secret);
  return { token, expiresAt: new Date(expiresAt * 1000), user };
}
