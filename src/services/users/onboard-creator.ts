import type { Db } from '../../db/database.js';
import { AppError, isAppError } from '../../domain/errors/index.js';
import { newId } from '../../domain/ids.js';
import type { StripeGateway } from '../../providers/stripe/index.js';
import type { Actor, ServiceContext } from '../context.js';
import {
  createUser,
  isEmailTaken,
  isStripeAccountLinked,
  stripeAccountTaken,
  type CreatorProfileInput,
  type CreatorRecord,
  type PayoutMode,
  type UserRecord,
} from './create-user.js';

type StripeAccount = Awaited<ReturnType<StripeGateway['retrieveAccount']>>;

export interface OnboardCreatorInput {
  email: string;
  name: string;
  /** Link this existing connected account; omitted: an Express account is created. */
  stripeAccountId?: string | undefined;
  /** Two-letter country of a new Express account; default Stripe's (the platform's country). */
  country?: string | undefined;
  holdingPeriodHours?: number | undefined;
  feeBps?: number | undefined;
  payoutMode?: PayoutMode | undefined;
  payoutSchedule?: 'weekly' | 'monthly' | undefined;
  locale?: string | undefined;
  actor: Actor;
}

export interface OnboardedCreator {
  user: UserRecord;
  creator: CreatorRecord;
  /**
   * Where the creator finishes onboarding (a short-lived Stripe link): for a new Express account,
   * and for a linked account whose payouts are not enabled yet. A fresh one later:
   * `POST /api/creators/me/onboarding-link` (services/creators/create-onboarding-link.ts).
   */
  onboardingUrl?: string;
}

/**
 * Whether the service drives the creator's bank payouts, so the connected account's own payout
 * schedule must be `manual` (seed 004 §6). That is the case in `automatic` mode — seed 004's
 * setup: the service transfers each payment after its hold and then pays the connected balance
 * out itself, finishing on `payout.paid`. In `manual` and `scheduled` mode a payout is done
 * when its transfer succeeds and Stripe's default schedule moves the money to the bank.
 */
export function servicePaysOutToBank(payoutMode: PayoutMode): boolean {
  return payoutMode === 'automatic';
}

/** Where Stripe sends the creator back after (or instead of finishing) onboarding. */
export function onboardingUrls(appUrl: string, creatorId: string): { refreshUrl: string; returnUrl: string } {
  const base = appUrl.replace(/\/+$/, '');
  const query = `creatorId=${encodeURIComponent(creatorId)}`;
  return { refreshUrl: `${base}/creator/onboarding/refresh?${query}`, returnUrl: `${base}/creator/onboarding/return?${query}` };
}

function accountStatus(account: StripeAccount): Pick<CreatorProfileInput, 'chargesEnabled' | 'payoutsEnabled' | 'detailsSubmitted' | 'requirementsDue'> {
  return {
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    requirementsDue: account.requirements?.currently_due ?? [],
  };
}

async function retrieveLinkableAccount(stripe: StripeGateway, accountId: string): Promise<StripeAccount> {
  try {
    return await stripe.retrieveAccount(accountId);
  } catch (error) {
    if (isAppError(error) && (error.kind === 'not_found' || error.code === 'STRIPE_RESOURCE_MISSING' || error.code === 'STRIPE_ACCOUNT_INVALID')) {
      throw new AppError('STRIPE_ACCOUNT_NOT_FOUND', `Stripe has no account ${accountId} connected to this platform.`, {
        kind: 'unprocessable',
        details: { param: 'stripeAccountId' },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A host platform signs a creator up (`POST /api/creators`): the CREATOR user and profile, and
 * their Stripe connected account — an existing one linked (its status read from Stripe; with an
 * onboarding link while its payouts are not enabled), or a new Express account with an onboarding link. When the service drives bank payouts
 * (`servicePaysOutToBank`) the account's payout schedule is set to manual.
 *
 * Order (DESIGN.md §6): the cheap checks first (email, account not linked yet), then every
 * Stripe call, then one transaction for the rows. A Stripe failure thus leaves nothing behind and
 * the platform can simply retry; the rare loser of a race on the same email leaves an unused
 * Express account tagged with `metadata.creatorId`.
 *
 * @throws AppError EMAIL_TAKEN, STRIPE_ACCOUNT_TAKEN (409), STRIPE_ACCOUNT_NOT_FOUND (422), Stripe failures as AppErrors
 */
export async function onboardCreator(db: Db, input: OnboardCreatorInput, context: ServiceContext): Promise<OnboardedCreator> {
  const { config, stripe } = context;
  if (await isEmailTaken(db, input.email)) {
    throw new AppError('EMAIL_TAKEN', `A user with the email ${input.email.trim()} already exists.`, { kind: 'conflict', details: { param: 'email' } });
  }
  const creatorId = newId('cr');
  const manualPayouts = servicePaysOutToBank(input.payoutMode ?? config.payoutMode);

  let account: StripeAccount;
  let onboardingUrl: string | undefined;
  if (input.stripeAccountId !== undefined) {
    if (await isStripeAccountLinked(db, input.stripeAccountId)) throw stripeAccountTaken(input.stripeAccountId);
    account = await retrieveLinkableAccount(stripe, input.stripeAccountId);
    if (manualPayouts && account.settings?.payouts?.schedule?.interval !== 'manual') account = await stripe.setManualPayoutSchedule(account.id);
    // A linked account that cannot receive payouts yet still has onboarding to finish.
    if (!account.payouts_enabled) onboardingUrl = (await stripe.createOnboardingLink({ accountId: account.id, ...onboardingUrls(config.http.appUrl, creatorId) })).url;
  } else {
    account = await stripe.createExpressAccount({ creatorId, email: input.email.trim(), country: input.country, manualPayouts });
    const link = await stripe.createOnboardingLink({ accountId: account.id, ...onboardingUrls(config.http.appUrl, creatorId) });
    onboardingUrl = link.url;
  }

  const { user, creator } = await db.transaction((tx) =>
    createUser(
      tx,
      {
        email: input.email,
        name: input.name,
        role: 'CREATOR',
        actor: input.actor,
        creator: {
          id: creatorId,
          stripeAccountId: account.id,
          ...accountStatus(account),
          holdingPeriodHours: input.holdingPeriodHours ?? null,
          feeBps: input.feeBps ?? null,
          payoutMode: input.payoutMode ?? null,
          payoutSchedule: input.payoutSchedule ?? null,
          ...(input.locale !== undefined && { locale: input.locale }),
        },
      },
      context,
    ),
  );
  if (!creator) throw new Error('createUser returned no creator for a CREATOR');
  return { user, creator, ...(onboardingUrl !== undefined && { onboardingUrl }) };
}
