import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import type { Db, DbExecutor } from '../../db/database.js';
import { creators } from '../../db/schema/index.js';
import type { StripeGateway } from '../../providers/stripe/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, ServiceContext } from '../context.js';
import { enqueueMessage } from '../outbox/enqueue-message.js';

export type StripeAccount = Awaited<ReturnType<StripeGateway['retrieveAccount']>>;
type Creator = typeof creators.$inferSelect;

/**
 * Write a connected account's status as Stripe reports it onto its creator (locked by the
 * caller): charges and payouts enabled, details submitted, requirements due. Audited when
 * something changed; the creator is told (`creator.payouts_disabled`) when payouts stop. The one
 * place both `account.updated` and a fresh read from Stripe go through.
 *
 * @returns whether anything changed
 */
export async function applyAccountStatus(
  tx: DbExecutor,
  input: { creator: Creator; account: StripeAccount; actor: Actor; /** The `account.updated` event, when one caused it. */ eventId?: string; at: Date },
): Promise<boolean> {
  const { creator, account } = input;
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
  if (!changed) return false;
  await tx.update(creators).set(next).where(eq(creators.id, creator.id));
  await recordAuditEvent(tx, {
    actor: input.actor,
    action: 'creator.stripe_account_updated',
    subjectType: 'creator',
    subjectId: creator.id,
    fromStatus: creator.payoutsEnabled ? 'payouts_enabled' : 'payouts_disabled',
    toStatus: next.payoutsEnabled ? 'payouts_enabled' : 'payouts_disabled',
    metadata: { account: account.id, ...(input.eventId ? { eventId: input.eventId } : { via: 'refresh' }), ...next },
    at: input.at,
  });
  if (creator.payoutsEnabled && !next.payoutsEnabled) {
    await enqueueMessage(tx, {
      topic: 'creator.payouts_disabled',
      recipient: `user:${creator.userId}`,
      payload: { creatorId: creator.id, account: account.id, requirementsDue: next.requirementsDue },
      dedupeKey: `creator.payouts_disabled:${input.eventId ?? `refresh:${creator.id}:${input.at.getTime()}`}`,
      at: input.at,
    });
  }
  return true;
}

/**
 * Read a creator's connected account from Stripe now and keep what it says (issue 14 §5): a
 * creator linked with `users create --stripe-account` learns its status otherwise only from a
 * later `account.updated`, and without one would stay refused as "payouts disabled" forever.
 * The Stripe call is made outside any transaction.
 *
 * @returns the creator as stored afterwards, or null without a connected account
 */
export async function refreshAccountStatus(db: Db, input: { creatorId: string; actor: Actor }, context: Pick<ServiceContext, 'stripe' | 'clock'>): Promise<Creator | null> {
  const [current] = await db.select().from(creators).where(eq(creators.id, input.creatorId));
  if (!current?.stripeAccountId) return null;
  const account = await context.stripe.retrieveAccount(current.stripeAccountId);
  return db.transaction(async (tx) => {
    const [creator] = await tx.select().from(creators).where(eq(creators.id, input.creatorId)).for('update');
    if (!creator || creator.stripeAccountId !== account.id) return creator ?? null;
    const at = context.clock.now();
    await applyAccountStatus(tx, { creator, account, actor: input.actor, at });
    const [after] = await tx.select().from(creators).where(eq(creators.id, creator.id));
    return after!;
  });
}

/**
 * The daily sweep (job `refresh-creator-accounts`): every creator with a connected account whose
 * payouts are not enabled yet, read from Stripe and kept. One at a time, through the gateway's
 * throttle; a failure for one creator is counted and the sweep goes on.
 */
export async function refreshPendingAccounts(
  db: Db,
  context: Pick<ServiceContext, 'stripe' | 'clock'>,
  options: { actor: Actor; limit?: number },
): Promise<{ checked: number; enabled: string[]; failed: Array<{ creatorId: string; error: string }> }> {
  const limit = options.limit ?? 1000;
  const result = { checked: 0, enabled: [] as string[], failed: [] as Array<{ creatorId: string; error: string }> };
  let after = '';
  while (result.checked < limit) {
    const page = await db
      .select({ id: creators.id })
      .from(creators)
      .where(and(isNotNull(creators.stripeAccountId), eq(creators.payoutsEnabled, false), gt(creators.id, after)))
      .orderBy(asc(creators.id))
      .limit(Math.min(100, limit - result.checked));
    if (page.length === 0) break;
    for (const { id } of page) {
      result.checked += 1;
      try {
        const creator = await refreshAccountStatus(db, { creatorId: id, actor: options.actor }, context);
        if (creator?.payoutsEnabled) result.enabled.push(id);
      } catch (error) {
        result.failed.push({ creatorId: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    after = page.at(-1)!.id;
  }
  return result;
}
