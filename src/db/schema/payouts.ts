import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { payoutOrigins, payoutStatuses } from '../../domain/payouts/payout-status.js';
import { payments } from './payments.js';
import { creators } from './users.js';

/**
 * Money leaving the platform for one creator (DESIGN.md §4 "Payout"). The amount is reserved in
 * the ledger (`available` → `reserved`) when the row is made; the saga fields record where the
 * transfer stands, so that a crash between two steps is repaired by the retry sweep.
 */
export const payouts = pgTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: text('status', { enum: payoutStatuses }).notNull(),
    /** How it was made: a creator's request, the automatic transfer after a hold, or a schedule. */
    origin: text('origin', { enum: payoutOrigins }).notNull(),
    /** The connected account it goes to, fixed when processing starts. */
    stripeAccountId: text('stripe_account_id'),
    stripeTransferId: text('stripe_transfer_id').unique(),
    /** The bank payout on the connected account, where the service drives bank payouts. */
    stripeBankPayoutId: text('stripe_bank_payout_id'),
    /** Whether PAID waits for the connected account's `payout.paid` (manual payout schedule). */
    awaitsBankPayout: boolean('awaits_bank_payout').notNull().default(false),
    /** Failed Stripe attempts so far; the transfer's idempotency key includes it (see docs/payouts.md). */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    /** A retryable failure waits for the retry sweep until then. */
    nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
    /** A process that claimed the Stripe call owns it until then; after that the sweep may repair. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastErrorCode: text('last_error_code'),
    failureReason: text('failure_reason'),
    /** Limit and fraud rules (seed 002 §6): why it waits for approval. */
    approvalReason: text('approval_reason'),
    flags: jsonb('flags').$type<string[]>().notNull().default([]),
    limitMetadata: jsonb('limit_metadata').$type<Record<string, unknown>>().notNull().default({}),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNotes: text('review_notes'),
    notes: text('notes'),
    requestedBy: text('requested_by').notNull(),
    processedBy: text('processed_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    processingStartedAt: timestamp('processing_started_at', { withTimezone: true }),
    transferredAt: timestamp('transferred_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('payouts_creator_idx').on(t.creatorId, t.requestedAt),
    index('payouts_status_idx').on(t.status, t.requestedAt),
    index('payouts_retry_idx').on(t.nextRetryAt).where(sql`${t.status} = 'PROCESSING'`),
    // Seed 000: one open request per creator and currency. Automatic payouts (one per payment) are exempt.
    uniqueIndex('payouts_one_open_request')
      .on(t.creatorId, t.currency)
      .where(sql`${t.origin} = 'request' and ${t.status} in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING')`),
    check('payouts_amount_positive', sql`${t.amount} > 0`),
  ],
);

/**
 * Which payments a payout covers, and how much of each (a payment may be split across payouts,
 * oldest first). Rows stay when a payout fails — `released_at` is set — so every statement
 * remains readable.
 */
export const payoutPayments = pgTable(
  'payout_payments',
  {
    payoutId: text('payout_id')
      .notNull()
      .references(() => payouts.id),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** Set when the payout failed or was cancelled and the share went back to the payment. */
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.payoutId, t.paymentId] }), index('payout_payments_payment_idx').on(t.paymentId), check('payout_payments_amount_positive', sql`${t.amount} > 0`)],
);

/** Requests the limit rules refused (seed 002 §6): kept for review and for the velocity rules. */
export const payoutBlockedAttempts = pgTable(
  'payout_blocked_attempts',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => creators.id),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    flags: jsonb('flags').$type<string[]>().notNull().default([]),
    limitMetadata: jsonb('limit_metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('payout_blocked_attempts_creator_idx').on(t.creatorId, t.createdAt)],
);
