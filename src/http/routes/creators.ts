import { z } from 'zod';
import type { CreatorRecord } from '../../services/users/create-user.js';
import { onboardCreator } from '../../services/users/onboard-creator.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/require-roles.js';
import { errorReplySchema } from '../error-handler.js';
import { userReplySchema } from './auth.js';

const payoutModeSchema = z.enum(['manual', 'automatic', 'scheduled']);

/** A percentage with at most 2 decimals, as exact basis points (12.5 → 1250). */
const feePercentageSchema = z
  .number()
  .min(0)
  .max(100)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, { error: 'must have at most 2 decimals' });

export const creatorReplySchema = z.object({
  id: z.string(),
  userId: z.string(),
  stripeAccountId: z.string().nullable(),
  chargesEnabled: z.boolean(),
  payoutsEnabled: z.boolean(),
  detailsSubmitted: z.boolean(),
  requirementsDue: z.array(z.string()),
  holdingPeriodHours: z.number().int().nullable().describe('null: the global PAYOUT_HOLDING_* applies'),
  feePercentage: z.number().nullable().describe('null: the global PLATFORM_FEE_PERCENTAGE applies'),
  payoutMode: payoutModeSchema.nullable().describe('null: the global PAYOUT_MODE applies'),
  payoutSchedule: z.enum(['weekly', 'monthly']).nullable(),
  locale: z.string(),
  currency: z.string(),
  createdAt: z.string(),
});

export function creatorReply(creator: CreatorRecord): z.infer<typeof creatorReplySchema> {
  return {
    id: creator.id,
    userId: creator.userId,
    stripeAccountId: creator.stripeAccountId,
    chargesEnabled: creator.chargesEnabled,
    payoutsEnabled: creator.payoutsEnabled,
    detailsSubmitted: creator.detailsSubmitted,
    requirementsDue: creator.requirementsDue,
    holdingPeriodHours: creator.holdingPeriodHours,
    feePercentage: creator.feeBps === null ? null : creator.feeBps / 100,
    payoutMode: creator.payoutMode,
    payoutSchedule: creator.payoutSchedule,
    locale: creator.locale,
    currency: creator.currency,
    createdAt: creator.createdAt.toISOString(),
  };
}

/** `POST /api/creators`: a host platform signs a creator up (docs/auth.md, "Creators"). */
export async function creatorRoutes(app: App): Promise<void> {
  app.post(
    '/api/creators',
    {
      preValidation: requireRoles('PLATFORM', 'ADMIN'),
      schema: {
        summary: 'Create a creator: the CREATOR user, its payout profile and its Stripe connected account',
        description:
          'With `stripeAccountId` the existing connected account is linked (422 STRIPE_ACCOUNT_NOT_FOUND if Stripe does not know it). ' +
          'Without, an Express account is created and `onboardingUrl` is returned: send the creator there. ' +
          'When the effective payout mode is `automatic`, the service pays out to the bank itself, so the account gets a manual payout schedule.',
        tags: ['creators'],
        body: z.strictObject({
          email: z.email().max(320),
          name: z.string().trim().min(1).max(200),
          stripeAccountId: z.string().regex(/^acct_[A-Za-z0-9]{1,64}$/, { error: 'must look like acct_…' }).optional(),
          country: z
            .string()
            .regex(/^[A-Za-z]{2}$/, { error: 'must be a two-letter country code' })
            .transform((v) => v.toUpperCase())
            .optional()
            .describe('Country of a new Express account'),
          holdingPeriodHours: z.number().int().min(0).max(87_600).optional(),
          payoutMode: payoutModeSchema.optional(),
          payoutSchedule: z.enum(['weekly', 'monthly']).optional().describe('With payoutMode scheduled'),
          feePercentage: feePercentageSchema.optional().describe('Overrides PLATFORM_FEE_PERCENTAGE, e.g. 12.5'),
          locale: z
            .string()
            .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'must be a language tag such as en or fr-FR' })
            .optional(),
        }),
        response: {
          201: z.object({ creator: creatorReplySchema, user: userReplySchema, onboardingUrl: z.string().optional() }),
          '4xx': errorReplySchema,
        },
      },
    },
    async (request, reply) => {
      const { feePercentage, ...body } = request.body;
      const onboarded = await onboardCreator(
        app.deps.database.db,
        { ...body, ...(feePercentage !== undefined && { feeBps: Math.round(feePercentage * 100) }), actor: request.principal!.actor },
        app.deps,
      );
      const { user, creator, onboardingUrl } = onboarded;
      return reply.code(201).send({
        creator: creatorReply(creator),
        user: { id: user.id, email: user.email, name: user.name, role: user.role, creatorId: creator.id },
        ...(onboardingUrl !== undefined && { onboardingUrl }),
      });
    },
  );
}
