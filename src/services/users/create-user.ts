import { sql } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { hashPassword } from '../auth/password-hash.js';
import type { Actor, ServiceContext } from '../context.js';
import { violatedUniqueConstraint } from './unique-violation.js';

export type UserRole = 'ADMIN' | 'CREATOR';
export type PayoutMode = 'manual' | 'automatic' | 'scheduled';

/** A creator's payout profile. Unset overrides mean "the global setting applies". */
export interface CreatorProfileInput {
  /** Pre-chosen id (e.g. already used as a Stripe idempotency key); default a new `cr_…`. */
  id?: string;
  stripeAccountId?: string | null;
  chargesEnabled?: boolean;
  payoutsEnabled?: boolean;
  detailsSubmitted?: boolean;
  requirementsDue?: string[];
  holdingPeriodHours?: number | null;
  /** Fee override in basis points (10 % = 1000). */
  feeBps?: number | null;
  payoutMode?: PayoutMode | null;
  payoutSchedule?: 'weekly' | 'monthly' | null;
  locale?: string;
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: UserRole;
  /** Omit for a user who only acts through bearer tokens (a creator embedded by a host platform). */
  password?: string | undefined;
  /** CREATOR only: the profile written with the user. */
  creator?: CreatorProfileInput;
  actor: Actor;
}

/** A user as the rest of the service sees it: never with its password hash. */
export type UserRecord = Omit<typeof users.$inferSelect, 'passwordHash'>;
export type CreatorRecord = typeof creators.$inferSelect;

export const MIN_PASSWORD_LENGTH = 8;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function emailTaken(email: string): AppError {
  return new AppError('EMAIL_TAKEN', `A user with the email ${email} already exists.`, { kind: 'conflict', details: { param: 'email' } });
}

export function stripeAccountTaken(accountId: string): AppError {
  return new AppError('STRIPE_ACCOUNT_TAKEN', `The Stripe account ${accountId} is already linked to another creator.`, {
    kind: 'conflict',
    details: { param: 'stripeAccountId' },
  });
}

/** Whether a user with this email exists, whatever its case. */
export async function isEmailTaken(db: DbExecutor, email: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = lower(${email.trim()})`);
  return rows.length > 0;
}

/** Whether a creator already has this Stripe account. */
export async function isStripeAccountLinked(db: DbExecutor, accountId: string): Promise<boolean> {
  const rows = await db.select({ id: creators.id }).from(creators).where(sql`${creators.stripeAccountId} = ${accountId}`);
  return rows.length > 0;
}

/**
 * Create an ADMIN or CREATOR user; a CREATOR gets its `creators` row (currency =
 * DEFAULT_CURRENCY) in the same transaction. Emails are unique whatever their case. Audit
 * events `user.created` (and `creator.created`) are written with the rows.
 *
 * @throws AppError EMAIL_TAKEN / STRIPE_ACCOUNT_TAKEN (conflict), INVALID_EMAIL / PASSWORD_TOO_SHORT / CREATOR_PROFILE_FOR_ADMIN (invalid)
 * @example
 * const { user, creator } = await createUser(tx, { email: 'ana@example.com', name: 'Ana', role: 'CREATOR', actor: 'cli' }, { config, clock });
 */
export async function createUser(
  tx: DbExecutor,
  input: CreateUserInput,
  context: Pick<ServiceContext, 'config' | 'clock'>,
): Promise<{ user: UserRecord; creator: CreatorRecord | null }> {
  const email = input.email.trim();
  const name = input.name.trim();
  if (!EMAIL.test(email)) throw new AppError('INVALID_EMAIL', `${JSON.stringify(email)} is not an email address.`, { details: { param: 'email' } });
  if (name === '') throw new AppError('INVALID_NAME', 'The name must not be empty.', { details: { param: 'name' } });
  if (input.role === 'ADMIN' && input.creator) {
    throw new AppError('CREATOR_PROFILE_FOR_ADMIN', 'Only CREATOR users have a creator profile.', { details: { param: 'role' } });
  }
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('PASSWORD_TOO_SHORT', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, { details: { param: 'password' } });
  }
  if (await isEmailTaken(tx, email)) throw emailTaken(email);

  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const now = context.clock.now();
  const userId = newId('usr');
  const profile = input.creator ?? {};
  try {
    return await tx.transaction(async (inner) => {
      const [user] = await inner.insert(users).values({ id: userId, email, name, role: input.role, passwordHash, createdAt: now }).returning();
      if (!user) throw new Error('insert into users returned no row');
      await recordAuditEvent(inner, {
        actor: input.actor,
        action: 'user.created',
        subjectType: 'user',
        subjectId: userId,
        metadata: { role: input.role, email, withPassword: passwordHash !== null },
        at: now,
      });
      const { passwordHash: _hash, ...userRecord } = user;
      if (input.role !== 'CREATOR') return { user: userRecord, creator: null };

      const [creator] = await inner
        .insert(creators)
        .values({
          id: profile.id ?? newId('cr'),
          userId,
          stripeAccountId: profile.stripeAccountId ?? null,
          chargesEnabled: profile.chargesEnabled ?? false,
          payoutsEnabled: profile.payoutsEnabled ?? false,
          detailsSubmitted: profile.detailsSubmitted ?? false,
          requirementsDue: profile.requirementsDue ?? [],
          holdingPeriodHours: profile.holdingPeriodHours ?? null,
          feeBps: profile.feeBps ?? null,
          payoutMode: profile.payoutMode ?? null,
          payoutSchedule: profile.payoutSchedule ?? null,
          locale: profile.locale ?? 'en',
          currency: context.config.defaultCurrency,
          createdAt: now,
        })
        .returning();
      if (!creator) throw new Error('insert into creators returned no row');
      await recordAuditEvent(inner, {
        actor: input.actor,
        action: 'creator.created',
        subjectType: 'creator',
        subjectId: creator.id,
        metadata: {
          userId,
          stripeAccountId: creator.stripeAccountId,
          holdingPeriodHours: creator.holdingPeriodHours,
          feeBps: creator.feeBps,
          payoutMode: creator.payoutMode,
        },
        at: now,
      });
      return { user: userRecord, creator };
    });
  } catch (error) {
    // The checks above lose a race with a concurrent insert only rarely; the constraints decide.
    const constraint = violatedUniqueConstraint(error);
    if (constraint === 'users_email_unique') throw emailTaken(email);
    if (constraint?.startsWith('creators_stripe_account_id')) throw stripeAccountTaken(profile.stripeAccountId ?? '');
    throw error;
  }
}
