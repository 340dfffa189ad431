import { errors, jwtVerify } from 'jose';
import type { ServiceContext } from '../context.js';
import { secretsEqual } from './secret-digest.js';

/** A cron JWT may live at most this long (exp − iat, and exp − now): seed 004's "signed JWTs with expiration". */
export const MAX_CRON_JWT_LIFETIME_SECONDS = 3600;
/** Leeway for clock differences between the scheduler that signs and this service. */
const CLOCK_TOLERANCE_SECONDS = 30;

export type CronVerification = { ok: true; via: 'cron_secret' | 'cron_jwt' } | { ok: false; reason: 'expired' | 'invalid' | 'too_long_lived' };

/**
 * Whether a bearer credential is the scheduler's: CRON_SECRET itself (compared in constant
 * time) or an HS256 JWT signed with CRON_JWT_SECRET that carries `exp`, has not expired on the
 * service clock, and lives at most MAX_CRON_JWT_LIFETIME_SECONDS. Other claims are free.
 */
export async function authenticateCronCredential(
  credential: string,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<CronVerification> {
  const { secret, jwtSecret } = context.config.cron;
  if (secret !== undefined && secretsEqual(credential, secret)) return { ok: true, via: 'cron_secret' };
  if (jwtSecret === undefined || credential.split('.').length !== 3) return { ok: false, reason: 'invalid' };
  const now = context.clock.now();
  try {
    const { payload } = await jwtVerify(credential, new TextEncoder().encode(jwtSecret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const exp = payload.exp ?? 0;
    const nowSeconds = now.getTime() / 1000;
    const limit = MAX_CRON_JWT_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS;
    if (exp - nowSeconds > limit || (payload.iat !== undefined && exp - payload.iat > limit)) return { ok: false, reason: 'too_long_lived' };
    return { ok: true, via: 'cron_jwt' };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
