import { sql } from 'drizzle-orm';
import { bigint, bigserial, char, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Stripe events, stored by their id before their effects (DESIGN.md §4, "Webhook event"). */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** The connected account of a Connect event. */
    account: text('account'),
    status: text('status', { enum: ['processing', 'completed', 'failed', 'ignored'] }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    duplicates: integer('duplicates').notNull().default(0),
    error: text('error'),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_events_status_idx').on(t.status, t.nextRetryAt),
    index('webhook_events_received_idx').on(t.receivedAt),
  ],
);

/**
 * Messages to send (emails, in-app notifications, admin alerts), written in the same
 * transaction as the change that caused them (DESIGN.md §6); a sweep delivers them.
 */
export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    /** e.g. `payment.received`, `booking.refunded`, `payout.failed`, `alert.balance_low`. */
    topic: text('topic').notNull(),
    /** `user:<id>`, `email:<address>` or `admins`. */
    recipient: text('recipient').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** One message per cause: a repeated cause does not queue it twice. */
    dedupeKey: text('dedupe_key').unique(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`)],
);

/** Who did what to which money, when, from which state to which (DESIGN.md §4). Append-only. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    /** `user:<id>`, `api_key:<id>`, `stripe`, `system:<job>`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    amount: bigint('amount', { mode: 'bigint' }),
    currency: char('currency', { length: 3 }),
    reason: text('reason'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('audit_subject_idx').on(t.subjectType, t.subjectId, t.id), index('audit_created_idx').on(t.createdAt)],
);

/**
 * Rate-limit windows shared by every instance (docs/auth.md "Rate limits"): one row per key
 * (the SHA-256 of route + caller), counting hits until `resets_at`. Expired rows are pruned by
 * the store itself.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    keyHash: text('key_hash').primaryKey(),
    hits: integer('hits').notNull(),
    resetsAt: timestamp('resets_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limit_hits_resets_idx').on(t.resetsAt)],
);
