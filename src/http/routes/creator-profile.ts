import { z } from 'zod';
import { createOnboardingLink } from '../../services/creators/create-onboarding-link.js';
import { getCreatorProfile } from '../../services/creators/get-creator-profile.js';
import { onboardingStates } from '../../services/creators/onboarding-state.js';
import type { App } from '../app.js';
import { moneyRouteRateLimit, requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { onboardingResource, toOnboarding } from '../resources/admin-creator.js';

export const creatorProfileResource = z.object({
  userId: z.string(),
  creatorId: z.string(),
  name: z.string(),
  email: z.string(),
  locale: z.string().describe('Language tag of the creator, e.g. en or fr'),
  currency: z.string().describe('Lower-case ISO 4217'),
  createdAt: z.string(),
  stripeAccountId: z.string().nullable(),
  onboarding: onboardingResource,
  canContinueOnboarding: z.boolean().describe('POST /api/creators/me/onboarding-link gives a link (every state but complete)'),
  payoutMode: z.enum(['manual', 'automatic', 'scheduled']).describe('The mode that applies: manual (request, an admin processes), automatic (after each hold) or scheduled'),
  holdingPeriodHours: z.number().int().describe('The hold that applies to new payments'),
});

/**
 * A signed-in creator's own profile and Stripe onboarding (issue 12: the creator dashboard's
 * onboarding state and "continue onboarding" button, and the page Stripe's refresh link leads to).
 */
export async function creatorProfileRoutes(app: App): Promise<void> {
  app.get(
    '/api/creators/me',
    {
      preValidation: requireRoles('CREATOR'),
      schema: {
        summary: "The signed-in creator's profile, Stripe onboarding state and payout settings",
        tags: ['creator'],
        response: { 200: creatorProfileResource, '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const profile = await getCreatorProfile(app.deps.database.db, request.principal!.creatorId!, app.deps);
      return {
        userId: profile.userId,
        creatorId: profile.creatorId,
        name: profile.name,
        email: profile.email,
        locale: profile.locale,
        currency: profile.currency,
        createdAt: profile.createdAt.toISOString(),
        stripeAccountId: profile.onboarding.stripeAccountId,
        onboarding: toOnboarding(profile.onboarding),
        canContinueOnboarding: profile.onboarding.state !== 'complete',
        payoutMode: profile.payoutMode,
        holdingPeriodHours: profile.holdingPeriodHours,
      };
    },
  );

  app.post(
    '/api/creators/me/onboarding-link',
    {
      // Each call is a Stripe write (and maybe an account): limited like the money routes.
      config: moneyRouteRateLimit,
      preValidation: requireRoles('CREATOR'),
      schema: {
        summary: 'A fresh Stripe onboarding link for the signed-in creator (continue onboarding)',
        description:
          'Send the creator to `url` (single use; it expires at `expiresAt`, after which Stripe sends them to ' +
          '`${APP_URL}/creator/onboarding/refresh?creatorId=…`, whose page calls this again). They come back to `${APP_URL}/creator/onboarding/return?creatorId=…`. ' +
          'A creator without a connected account gets an Express account first (`state` was no_account). ' +
          '409 ONBOARDING_ALREADY_COMPLETE when payouts are already enabled. Cookie sessions send `x-csrf-token`.',
        tags: ['creator'],
        response: {
          200: z.object({
            url: z.string(),
            expiresAt: z.string().describe('ISO 8601'),
            stripeAccountId: z.string(),
            state: z.enum(onboardingStates).describe('The onboarding state before this call'),
          }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const link = await createOnboardingLink(app.deps.database.db, { creatorId: principal.creatorId!, actor: principal.actor }, app.deps);
      return { url: link.url, expiresAt: link.expiresAt.toISOString(), stripeAccountId: link.stripeAccountId, state: link.state };
    },
  );
}
