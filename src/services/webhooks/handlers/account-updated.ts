import { eq } from 'drizzle-orm';
import { creators } from '../../../db/schema/index.js';
import { applyAccountStatus, type StripeAccount } from '../../creators/refresh-account-status.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

/**
 * `account.updated` (a Connect event): keep the creator's account status — charges and payouts
 * enabled, details submitted, requirements currently due — and tell the creator when payouts
 * become disabled. The account is read fresh from Stripe in `prepare`, so events that arrive out
 * of order or twice can only ever write the current state.
 */
export const accountUpdatedHandler = defineWebhookHandler<StripeAccount | null>({
  async prepare(event, context) {
    const id = event.data.object.id;
    return typeof id === 'string' ? context.stripe.retrieveAccount(id) : null;
  },
  async handle(tx, event, account, context) {
    if (!account) return { status: 'ignored', reason: 'the event names no account' };
    const [creator] = await tx.select().from(creators).where(eq(creators.stripeAccountId, account.id)).for('update');
    if (!creator) return { status: 'ignored', reason: `no creator has the Stripe account ${account.id}` };
    await applyAccountStatus(tx, { creator, account, actor: 'stripe', eventId: event.id, at: context.clock.now() });
    return { status: 'completed' };
  },
});
