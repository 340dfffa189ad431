import { errors, jwtVerify } from 'jose';
import type { DbExecutor } from '../../db/database.js';
import type { ServiceContext } from '../context.js';
import { findActiveUser, type ActiveUser } from '../users/find-active-user.js';
import { USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER } from './issue-user-token.js';

export type UserTokenVerification = { ok: true; user: ActiveUser } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Check a user token from `issueUserToken`: HS256 with `secret`, our audience and issuer, not
 * expired on the service clock (so tests and the demo can move time past it), and a user that
 * still exists and is not disabled.
 */
export async function verifyUserToken(
  db: DbExecutor,
  token: string,
  context: Pick<ServiceContext, 'clock'> & { secret: Uint8Array },
): Promise<UserTokenVerification> {
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(token, context.secret, {
      algorithms: ['HS256'],
      audience: USER_TOKEN_AUDIENCE,
      issuer: USER_TOKEN_ISSUER,
      requiredClaims: ['exp', 'sub'],
      currentDate: context.clock.now(),
    });
    subject = payload.sub;
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
  const user = subject === undefined ? undefined : await findActiveUser(db, subject);
  return user ? { ok: true, user } : { ok: false, reason: 'invalid' };
}
