import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbExecutor } from '../../../db/database.js';
import { auditEvents, payouts } from '../../../db/schema/index.js';
import { AppError } from '../../../domain/errors/index.js';
import { formatMoney } from '../../../domain/money/index.js';
import { raiseAlert, topicAlert, type AlertTopic } from '../../alerts/raise-alert.js';
import { recordAuditEvent } from '../../audit/record-audit-event.js';
import type { Payout } from '../../payouts/create-payout.js';
import type { WebhookEvent } from '../webhook-event.js';

/**
 * What the payout webhook handlers (`transfer.*`, `payout.*`; docs/webhooks.md "Payout events")
 * share: the fields of Stripe's transfers and bank payouts they rely on, how an event finds the
 * payout it is about, and the audit event / admin alert each writes.
 */

const metadataSchema = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});
const stripeReference = z.union([z.string(), z.object({ id: z.string() }).loose()]).transform((value) => (typeof value === 'string' ? value : value.id));

export const stripeTransferSchema = z
  .object({
    id: z.string().min(1),
    amount: z.number().int().nonnegative(),
    amount_reversed: z.number().int().nonnegative().nullish(),
    currency: z.string().length(3),
    destination: stripeReference.nullish(),
    metadata: metadataSchema,
    reversed: z.boolean().nullish(),
    transfer_group: z.string().nullish(),
    reversals: z
      .object({ data: z.array(z.object({ id: z.string(), amount: z.number().int(), metadata: metadataSchema }).loose()) })
      .loose()
      .nullish(),
    /** Legacy `transfer.failed` (API versions before 2017-04-06). */
    failure_code: z.string().nullish(),
    failure_message: z.string().nullish(),
  })
  .loose();
export type StripeTransferFields = z.infer<typeof stripeTransferSchema>;

/** A bank payout of a connected account (`payout.*` Connect events). */
export const stripeBankPayoutSchema = z
  .object({
    id: z.string().min(1),
    amount: z.number().int().nonnegative(),
    currency: z.string().length(3),
    status: z.string(),
    metadata: metadataSchema,
    failure_code: z.string().nullish(),
    failure_message: z.string().nullish(),
  })
  .loose();
export type StripeBankPayoutFields = z.infer<typeof stripeBankPayoutSchema>;

/** True once nothing of the transfer is left with the connected account. */
export function isFullyReversed(transfer: StripeTransferFields): boolean {
  return transfer.reversed === true || (transfer.amount_reversed ?? 0) >= transfer.amount;
}

/**
 * The payout an event is about:
 * - `found`: ours (locked when `lock`);
 * - `missing`: the Stripe object names a payout (metadata / transfer group) that does not exist
 *   here — yet, we assume: the handler throws so the event is parked as `failed` and the retry
 *   sweep applies it once it does ({@link parkedEventError});
 * - `none`: nothing ties it to a payout of ours (another product's transfer, the platform's own
 *   bank payout, `stripe trigger`): the event is ignored.
 */
export type PayoutLookup = { kind: 'found'; payout: Payout; by: string } | { kind: 'missing'; payoutId: string; by: string } | { kind: 'none' };

const transferGroupPattern = /^payout_(.+)$/;

async function payoutById(db: DbExecutor, id: string, lock: boolean): Promise<Payout | undefined> {
  const query = db.select().from(payouts).where(eq(payouts.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

async function payoutBy(db: DbExecutor, column: typeof payouts.stripeTransferId | typeof payouts.stripeBankPayoutId, value: string, lock: boolean): Promise<Payout | undefined> {
  const query = db.select().from(payouts).where(eq(column, value)).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** A transfer's payout: its metadata `payoutId`, else its transfer group `payout_<id>`, else the payout that recorded it. */
export async function findPayoutForTransfer(db: DbExecutor, transfer: StripeTransferFields, options: { lock: boolean }): Promise<PayoutLookup> {
  const named = transfer.metadata.payoutId ? { id: transfer.metadata.payoutId, by: 'metadata.payoutId' } : undefined;
  const grouped = transfer.transfer_group?.match(transferGroupPattern)?.[1];
  const reference = named ?? (grouped ? { id: grouped, by: 'transfer_group' } : undefined);
  if (reference) {
    const payout = await payoutById(db, reference.id, options.lock);
    return payout ? { kind: 'found', payout, by: reference.by } : { kind: 'missing', payoutId: reference.id, by: reference.by };
  }
  const payout = await payoutBy(db, payouts.stripeTransferId, transfer.id, options.lock);
  return payout ? { kind: 'found', payout, by: 'stripeTransferId' } : { kind: 'none' };
}

/** A connected account's bank payout's payout: its metadata `payoutId` (set by `createConnectedPayout`), else the payout that recorded it. */
export async function findPayoutForBankPayout(db: DbExecutor, bankPayout: StripeBankPayoutFields, options: { lock: boolean }): Promise<PayoutLookup> {
  const named = bankPayout.metadata.payoutId;
  if (named) {
    const payout = await payoutById(db, named, options.lock);
    return payout ? { kind: 'found', payout, by: 'metadata.payoutId' } : { kind: 'missing', payoutId: named, by: 'metadata.payoutId' };
  }
  const payout = await payoutBy(db, payouts.stripeBankPayoutId, bankPayout.id, options.lock);
  return payout ? { kind: 'found', payout, by: 'stripeBankPayoutId' } : { kind: 'none' };
}

/**
 * The error that parks an event: it is stored as `failed` (`PAYOUT_NOT_FOUND: …`) and the webhook
 * retry sweep runs it again with backoff (1, 2, 4 … minutes, 10 attempts, then an admin alert),
 * so an event that arrives before the state it needs is applied once that state exists.
 */
export function parkedEventError(code: 'PAYOUT_NOT_FOUND' | 'PAYOUT_TRANSFER_NOT_RECORDED' | 'PAYOUT_REVERSAL_NOT_MADE', message: string): AppError {
  return new AppError(code, `${message}; parked: retried by the webhook retry sweep`, { kind: code === 'PAYOUT_NOT_FOUND' ? 'not_found' : 'conflict' });
}

/** The action of the audit event every payout webhook handler writes for a payout it handled. */
export const PAYOUT_STRIPE_EVENT_ACTION = 'payout.stripe_event';

/**
 * The handler's own audit event: which Stripe event, about which object, what it did (`effect`),
 * and the payout's status before and after. The lifecycle functions write their transition's
 * audit event besides.
 */
export async function recordPayoutEventAudit(
  tx: DbExecutor,
  input: { event: WebhookEvent; before: Payout; after?: Payout | undefined; effect: string; reason?: string | null; metadata?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await recordAuditEvent(tx, {
    actor: 'stripe',
    action: PAYOUT_STRIPE_EVENT_ACTION,
    subjectType: 'payout',
    subjectId: input.before.id,
    fromStatus: input.before.status,
    toStatus: (input.after ?? input.before).status,
    amount: input.before.amount,
    currency: input.before.currency,
    reason: input.reason ?? null,
    metadata: { eventId: input.event.id, eventType: input.event.type, objectId: input.event.data.object.id ?? null, effect: input.effect, ...input.metadata },
    at: now,
  });
}

/**
 * An alert for something about a payout the service cannot settle alone (a partial reversal, a
 * transfer for a payout that is not being processed …). Its condition is the Stripe object (the
 * transfer or bank payout) on that payout: another event about the same object counts an
 * occurrence of the open alert rather than notifying again.
 */
export async function alertAdminsAboutPayout(
  tx: DbExecutor,
  input: { topic: AlertTopic; event: WebhookEvent; payout: Payout; reason: string; details?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  const { payout } = input;
  const object = input.details?.transferId ?? input.details?.bankPayoutId ?? input.event.data.object.id ?? input.event.id;
  await raiseAlert(
    tx,
    topicAlert(input.topic, {
      about: `${payout.id}:${String(object)}`,
      subject: `Payout ${payout.id} (${formatMoney({ amountMinor: payout.amount, currency: payout.currency })}, ${payout.status}): ${input.reason}`,
      payload: {
        payoutId: payout.id,
        creatorId: payout.creatorId,
        status: payout.status,
        amount: String(payout.amount),
        currency: payout.currency,
        eventId: input.event.id,
        eventType: input.event.type,
        reason: input.reason,
        ...input.details,
      },
      at: now,
    }),
  );
}

/** The audit action recording that one bank payout of a payout failed (and what was done about it); metadata `bankPayoutId`. */
export const BANK_PAYOUT_FAILED_ACTION = 'payout.bank_payout_failed';

/**
 * Whether the payout has an audit event `action` whose metadata holds `match`: how a failure
 * reported by Stripe is counted once even when it comes again under another event id, or
 * after the state it changed (e.g. a late `payout.paid` of a bank payout whose failure was applied).
 */
export async function payoutAuditExists(db: DbExecutor, payoutId: string, action: string, match: Record<string, string>): Promise<boolean> {
  const [row] = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectType, 'payout'), eq(auditEvents.subjectId, payoutId), eq(auditEvents.action, action), sql`${auditEvents.metadata} @> ${JSON.stringify(match)}::jsonb`))
    .limit(1);
  return row !== undefined;
}

/** Whether the failure of this bank payout has been applied to the payout already. */
export function bankPayoutFailureRecorded(db: DbExecutor, payoutId: string, bankPayoutId: string): Promise<boolean> {
  return payoutAuditExists(db, payoutId, BANK_PAYOUT_FAILED_ACTION, { bankPayoutId });
}

/** Why a payout event is ignored when the connected account it came from is not the payout's. */
export function accountMismatch(event: WebhookEvent, payout: Payout): string | undefined {
  if (payout.stripeAccountId && event.account && payout.stripeAccountId !== event.account) {
    return `payout ${payout.id} goes to ${payout.stripeAccountId}, but the event comes from ${event.account}`;
  }
  return undefined;
}

/**
 * The payout a `payout.*` event is about, locked — or why the event is not ours: a bank payout
 * of the platform's own balance (no top-level `account`), one naming no payout of ours, or one
 * from another connected account than the payout's. A bank payout naming a payout we do not
 * have parks the event.
 */
export async function payoutOfBankPayoutEvent(
  tx: DbExecutor,
  event: WebhookEvent,
  bankPayout: StripeBankPayoutFields,
): Promise<{ kind: 'found'; payout: Payout; by: string } | { kind: 'ignored'; reason: string }> {
  if (!event.account) return { kind: 'ignored', reason: `bank payout ${bankPayout.id} is the platform's own (the event names no connected account)` };
  const lookup = await findPayoutForBankPayout(tx, bankPayout, { lock: true });
  if (lookup.kind === 'none') return { kind: 'ignored', reason: `bank payout ${bankPayout.id} of ${event.account} names no payout of ours (no payoutId metadata, not a recorded bank payout)` };
  if (lookup.kind === 'missing') throw parkedEventError('PAYOUT_NOT_FOUND', `Bank payout ${bankPayout.id} of ${event.account} names payout ${lookup.payoutId}, which does not exist`);
  const mismatch = accountMismatch(event, lookup.payout);
  if (mismatch) return { kind: 'ignored', reason: mismatch };
  return lookup;
}
