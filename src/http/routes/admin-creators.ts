import { z } from 'zod';
import { getCreatorContext } from '../../services/creators/get-creator-context.js';
import { listCreatorsForAdmin } from '../../services/creators/list-creators-for-admin.js';
import type { App } from '../app.js';
import { requireRoles } from '../auth/index.js';
import { errorReplySchema } from '../error-handler.js';
import { adminCreatorResource, creatorContextResource, toAdminCreator, toCreatorContext } from '../resources/admin-creator.js';
import { currencySchema } from './platform-payments.js';

/**
 * The admin's view of creators (issue 12, `/dashboard/admin/creators` and the approval queue's
 * context panel, seed 002 §7): search and list them with both ids, onboarding state and ledger
 * balances; one creator's context.
 */
export async function adminCreatorRoutes(app: App): Promise<void> {
  app.get(
    '/api/admin/creators',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: 'Creators, newest first, searched by name, email or id, with their ids, onboarding state and balances',
        description:
          '`search`: part of the name or email (any case), or a whole user id (usr_…), creator id (cr_…) or Stripe account id (acct_…). ' +
          'Balances are read from the ledger in `currency` (default DEFAULT_CURRENCY). 400 INVALID_CURSOR for a cursor this list did not return.',
        tags: ['admin', 'creators'],
        querystring: z.strictObject({
          search: z.string().max(200).optional(),
          currency: currencySchema.optional().describe('The currency of the balances; default DEFAULT_CURRENCY'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().min(1).max(500).optional(),
        }),
        response: { 200: z.object({ data: z.array(adminCreatorResource), nextCursor: z.string().nullable() }), '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { database, config } = app.deps;
      const currency = request.query.currency ?? config.defaultCurrency;
      const page = await listCreatorsForAdmin(database.db, { search: request.query.search, currency, limit: request.query.limit, cursor: request.query.cursor });
      return { data: page.data.map((row) => toAdminCreator(row, { config, currency })), nextCursor: page.nextCursor };
    },
  );

  app.get(
    // `:id` like the clawback route beside it (/api/admin/creators/:id/clawback): one name per path segment.
    '/api/admin/creators/:id',
    {
      preValidation: requireRoles('ADMIN'),
      schema: {
        summary: "A creator's context for reviewing their payouts: account age, lifetime earnings, payout history, recent refunds and disputes, balances, onboarding",
        description: "Every amount is in `currency`: the creator's own, or ?currency=. 404 CREATOR_NOT_FOUND for an unknown id.",
        tags: ['admin', 'creators'],
        params: z.object({ id: z.string().min(1).max(100).describe('The creator id (cr_…)') }),
        querystring: z.strictObject({ currency: currencySchema.optional() }),
        response: { 200: creatorContextResource, '4xx': errorReplySchema },
      },
    },
    async (request) => {
      const { database, config, clock } = app.deps;
      const context = await getCreatorContext(database.db, { creatorId: request.params.id, currency: request.query.currency, now: clock.now() });
      return toCreatorContext(context, config);
    },
  );
}
