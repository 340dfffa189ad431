import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { creators } from './users.js';

export const paymentStatuses = ['HELD', 'READY', 'PROCESSING', 'PAID', 'CANCELLED', 'DISPUTED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/**
 * A customer's payment for a booking, and the creator's share of it (DESIGN.md §4). The money
 * itself is in the ledger; these rows carry the lifecycle (`status`, seed 000's `payoutStatus`)
 * and what a statement needs.
 */
export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    bookingId: text('booking_id'),
    /** Our idempotency handle: the payment intent id, or the host's `externalId`. */
    externalId: text('external_id').notNull().unique(),
    stripePaymentIntentId: text('stripe_payment_intent_id').unique(),
    stripeChargeId: text('stripe_charge_id'),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    feeAmount: bigint('fee_amount', { mode: 'bigint' }).notNull(),
    creatorAmount: bigint('creator_amount', { mode: 'bigint' }).notNull(),
    refundedAmount: bigint('refunded_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    /** The part of `creatorAmount` covered by payouts that have not failed (payout_payments). */
    allocatedAmount: bigint('allocated_amount', { mode: 'bigint' }).notNull().default(sql`0`),
    status: text('status', { enum: paymentStatuses }).notNull(),
    /** Already sent to the creator by Stripe (a destination charge): never transferred again. */
    transferredAtSource: boolean('transferred_at_source').notNull().default(false),
    disputeRequested: boolean('dispute_requested').notNull().default(false),
    customerEmail: text('customer_email'),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    payoutReleaseDate: timestamp('payout_release_date', { withTimezone: true }).notNull(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('payments_booking_unique').on(t.bookingId).where(sql`${t.bookingId} is not null`),
    index('payments_creator_idx').on(t.creatorId, t.createdAt),
    // Refunds, disputes and the reconciliation with Stripe find a payment by its charge.
    index('payments_stripe_charge_idx').on(t.stripeChargeId).where(sql`${t.stripeChargeId} is not null`),
    // The release sweep's index: only HELD rows, by due date.
    // Payout allocation: a creator's READY payments, oldest release first.
    index('payments_ready_idx').on(t.creatorId, t.currency, t.payoutReleaseDate, t.id).where(sql`${t.status} = 'READY'`),
    index('payments_release_due_idx').on(t.payoutReleaseDate, t.id).where(sql`${t.status} = 'HELD'`),
    check('payments_amounts', sql`${t.amount} > 0 and ${t.feeAmount} >= 0 and ${t.creatorAmount} >= 0 and ${t.feeAmount} + ${t.creatorAmount} = ${t.amount}`),
  ],
);
