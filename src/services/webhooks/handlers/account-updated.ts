import { eq } from 'drizzle-orm';
import { creators } from '../../../db/schema/index.js';
import type { StripeGateway } from '../../../providers/stripe/index.js';
import { recordAuditEvent } from '../../audit/record-audit-event.js';
import { enqueueMessage } from '../../outbox/enqueue-message.js';
import { defineWebhookHandler } from '../webhook-event-handler.js';

type StripeAccount = Awaited<ReturnType<StripeGateway['retrieveAccount']>>;

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
    const next = {
      chargesEnabled: account.charges_enabled ?? false,
      payoutsEnabled: account.payouts_enabled ?? false,
      detailsSubmitted: account.details_submitted ?? false,
      requirementsDue: account.requirements?.currently_due ?? [],
    };
    const changed =
      next.chargesEnabled !== creator.chargesEnabled ||
      next.payoutsEnabled !== creator.payoutsEnabled ||
      next.detailsSubmitted !== creator.detailsSubmitted ||
      JSON.stringify(next.requirementsDue) !== JSON.stringify(creator.requirementsDue);
    if (!changed) return { status: 'completed' };
    const now = context.clock.now();
    await tx.update(creators).set(next).where(eq(creators.id, creator.id));
    await recordAuditEvent(tx, {
      actor: 'stripe',
      action: 'creator.stripe_account_updated',
      subjectType: 'creator',
      subjectId: creator.id,
      fromStatus: creator.payoutsEnabled ? 'payouts_enabled' : 'payouts_disabled',
      toStatus: next.payoutsEnabled ? 'payouts_enabled' : 'payouts_disabled',
      metadata: { account: account.id, eventId: event.id, ...next },
      at: now,
    });
    if (creator.payoutsEnabled && !next.payoutsEnabled) {
      await enqueueMessage(tx, {
        topic: 'creator.payouts_disabled',
        recipient: `user:${creator.userId}`,
        payload: { creatorId: creator.id, account: account.id, requirementsDue: next.requirementsDue },
        dedupeKey: `creator.payouts_disabled:${event.id}`,
        at: now,
      });
    }
    return { status: 'completed' };
  },
});
