import { sql } from 'drizzle-orm';
import { bigint, char, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { payments } from './payments.js';
import { payouts } from './payouts.js';
import { creators } from './users.js';

/**
 * One Stripe refund applied to a payment (docs/refunds-and-disputes.md): the key is Stripe's
 * refund id, so the webhook and the admin route apply each refund once, whichever comes first.
 * The split (creator part / fee part) and where the creator part was taken from are kept for
 * the statement and the audit.
 */
export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    /** Stripe's refund id (`re_…`). */
    id: text('id').primaryKey(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    creatorPart: bigint('creator_part', { mode: 'bigint' }).notNull(),
    feePart: bigint('fee_part', { mode: 'bigint' }).notNull(),
    fromHeld: bigint('from_held', { mode: 'bigint' }).notNull(),
    fromAvailable: bigint('from_available', { mode: 'bigint' }).notNull(),
    /** The part of the creator's share no longer on the platform: the creator's debt. */
    toReceivable: bigint('to_receivable', { mode: 'bigint' }).notNull(),
    /** `webhook` (charge.refunded) or `admin` (POST /api/admin/payments/:id/refund), whichever applied it. */
    source: text('source', { enum: ['webhook', 'admin'] }).notNull(),
    reason: text('reason'),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('payment_refunds_payment_idx').on(t.paymentId),
    check('payment_refunds_parts', sql`${t.amount} > 0 and ${t.creatorPart} >= 0 and ${t.feePart} >= 0 and ${t.creatorPart} + ${t.feePart} = ${t.amount}
      and ${t.fromHeld} >= 0 and ${t.fromAvailable} >= 0 and ${t.toReceivable} >= 0 and ${t.fromHeld} + ${t.fromAvailable} + ${t.toReceivable} = ${t.creatorPart}`),
  ],
);

export const paymentDisputeStatuses = ['open', 'won', 'lost'] as const;
export type PaymentDisputeStatus = (typeof paymentDisputeStatuses)[number];

/**
 * A chargeback on a payment (docs/refunds-and-disputes.md), keyed by Stripe's dispute id. The
 * creator part of the disputed amount is frozen while it is open; `from*` say where it came
 * from, so that a won dispute puts it back where it belongs.
 */
export const paymentDisputes = pgTable(
  'payment_disputes',
  {
    /** Stripe's dispute id (`dp_…`, `du_…`). */
    id: text('id').primaryKey(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    creatorPart: bigint('creator_part', { mode: 'bigint' }).notNull(),
    feePart: bigint('fee_part', { mode: 'bigint' }).notNull(),
    fromHeld: bigint('from_held', { mode: 'bigint' }).notNull(),
    fromAvailable: bigint('from_available', { mode: 'bigint' }).notNull(),
    fromReceivable: bigint('from_receivable', { mode: 'bigint' }).notNull(),
    /** The payment's status when the dispute opened (it is DISPUTED while the dispute is open). */
    previousStatus: text('previous_status').notNull(),
    status: text('status', { enum: paymentDisputeStatuses }).notNull(),
    reason: text('reason'),
    /** Stripe's dispute fee, set when the dispute is lost. */
    disputeFee: bigint('dispute_fee', { mode: 'bigint' }),
    /** Who bore the fee: `platform` or `creator` (DISPUTE_FEE_PAYER at the time). */
    feePayer: text('fee_payer', { enum: ['platform', 'creator'] }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('payment_disputes_payment_idx').on(t.paymentId),
    check('payment_disputes_parts', sql`${t.amount} > 0 and ${t.creatorPart} + ${t.feePart} = ${t.amount} and ${t.fromHeld} + ${t.fromAvailable} + ${t.fromReceivable} = ${t.creatorPart}`),
  ],
);

/**
 * An admin's clawback of a creator's debt by reversing (part of) their last transfer
 * (`POST /api/admin/creators/:id/clawback`), keyed by Stripe's transfer reversal id.
 */
export const creatorClawbacks = pgTable(
  'creator_clawbacks',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    payoutId: text('payout_id')
      .notNull()
      .references(() => payouts.id),
    stripeTransferId: text('stripe_transfer_id').notNull(),
    stripeReversalId: text('stripe_reversal_id').notNull().unique(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('creator_clawbacks_creator_idx').on(t.creatorId, t.createdAt), index('creator_clawbacks_payout_idx').on(t.payoutId)],
);
