import { eq } from 'drizzle-orm';
import type { DbExecutor } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { effectivePayoutMode, type PayoutMode } from '../../domain/payouts/payout-mode.js';
import type { ServiceContext } from '../context.js';
import { creatorOnboarding, type CreatorOnboarding } from './onboarding-state.js';

export interface CreatorProfile {
  userId: string;
  creatorId: string;
  name: string;
  email: string;
  locale: string;
  currency: string;
  createdAt: Date;
  onboarding: CreatorOnboarding;
  /** The mode that applies to them: their own, else PAYOUT_MODE. */
  payoutMode: PayoutMode;
  /** The hold that applies to their new payments: their own, else PAYOUT_HOLDING_*. */
  holdingPeriodHours: number;
}

/**
 * A creator's own profile for their dashboard: who they are, their Stripe onboarding state and
 * the payout settings that apply to them.
 * @throws AppError CREATOR_NOT_FOUND (404)
 */
export async function getCreatorProfile(db: DbExecutor, creatorId: string, context: Pick<ServiceContext, 'config'>): Promise<CreatorProfile> {
  const [row] = await db.select({ user: users, creator: creators }).from(creators).innerJoin(users, eq(users.id, creators.userId)).where(eq(creators.id, creatorId));
  if (!row) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${creatorId}`, { kind: 'not_found' });
  const { user, creator } = row;
  return {
    userId: user.id,
    creatorId: creator.id,
    name: user.name,
    email: user.email,
    locale: creator.locale,
    currency: creator.currency,
    createdAt: creator.createdAt,
    onboarding: creatorOnboarding(creator),
    payoutMode: effectivePayoutMode(creator, context.config),
    holdingPeriodHours: creator.holdingPeriodHours ?? context.config.holdingPeriodHours,
  };
}
