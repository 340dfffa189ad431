import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { creators, users } from '../../db/schema/index.js';
import { AppError } from '../../domain/errors/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { onboardingUrls, servicePaysOutToBank } from '../users/onboard-creator.js';
import { onboardingState, type OnboardingState } from './onboarding-state.js';

export interface OnboardingLink {
  /** Stripe's hosted onboarding page for the creator's connected account (single use, short-lived). */
  url: string;
  expiresAt: Date;
  stripeAccountId: string;
  /** The state before this call (`no_account`: the connected account was created just now). */
  state: OnboardingState;
}

/**
 * A fresh Stripe onboarding link for a creator who has not finished onboarding (the "continue
 * onboarding" button, and the page Stripe's `refresh_url` leads to: `${APP_URL}/creator/onboarding/refresh`).
 * A creator without a connected account (made by `payouts users create`) gets an Express account
 * first — created with an idempotency key from the creator id, so a double click makes one
 * account — and linked only if none was linked meanwhile. The link returns to
 * `${APP_URL}/creator/onboarding/return?creatorId=…`.
 *
 * @throws AppError CREATOR_NOT_FOUND (404), ONBOARDING_ALREADY_COMPLETE (409), Stripe failures as AppErrors
 */
export async function createOnboardingLink(db: Db, input: { creatorId: string; actor: Actor }, context: ServiceContext): Promise<OnboardingLink> {
  const { config, stripe, clock } = context;
  const [row] = await db.select({ creator: creators, email: users.email }).from(creators).innerJoin(users, eq(users.id, creators.userId)).where(eq(creators.id, input.creatorId));
  if (!row) throw new AppError('CREATOR_NOT_FOUND', `No creator with id ${input.creatorId}`, { kind: 'not_found' });
  const { creator } = row;
  const state = onboardingState(creator);
  if (state === 'complete') {
    throw new AppError('ONBOARDING_ALREADY_COMPLETE', 'Your Stripe account is set up and can receive payouts: there is nothing left to fill in.', {
      kind: 'conflict',
      details: { stripeAccountId: creator.stripeAccountId },
    });
  }

  let accountId = creator.stripeAccountId;
  if (accountId === null) {
    // Outside any transaction (DESIGN.md §6): the key makes a repeat find the same account.
    const account = await stripe.createExpressAccount({
      creatorId: creator.id,
      email: row.email,
      manualPayouts: servicePaysOutToBank(creator.payoutMode ?? config.payoutMode),
    });
    accountId = await db.transaction(async (tx) => {
      const [linked] = await tx
        .update(creators)
        .set({
          stripeAccountId: account.id,
          chargesEnabled: account.charges_enabled ?? false,
          payoutsEnabled: account.payouts_enabled ?? false,
          detailsSubmitted: account.details_submitted ?? false,
          requirementsDue: account.requirements?.currently_due ?? [],
        })
        .where(and(eq(creators.id, creator.id), isNull(creators.stripeAccountId)))
        .returning({ id: creators.id });
      if (!linked) {
        const [current] = await tx.select({ stripeAccountId: creators.stripeAccountId }).from(creators).where(eq(creators.id, creator.id));
        return current?.stripeAccountId ?? account.id;
      }
      await recordAuditEvent(tx, {
        actor: input.actor,
        action: 'creator.stripe_account_created',
        subjectType: 'creator',
        subjectId: creator.id,
        metadata: { stripeAccountId: account.id, type: 'express' },
        at: clock.now(),
      });
      return account.id;
    });
  }

  const link = await stripe.createOnboardingLink({ accountId, ...onboardingUrls(config.http.appUrl, creator.id) });
  return { url: link.url, expiresAt: new Date(link.expires_at * 1000), stripeAccountId: accountId, state };
}
