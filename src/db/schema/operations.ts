import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
    status: text('status', { enum: ['pending', 'sent', 'failed', 'expanded'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /**
     * A message to `admins` is fanned out into one message per recipient (each admin user, each
     * `ADMIN_ALERT_EMAILS` address); those children name it here and it becomes `expanded`.
     */
    parentId: bigint('parent_id', { mode: 'bigint' }),
    /** When delivery gives up (`failed`); null: 24 h after `created_at`. An admin's retry sets it 24 h ahead again. */
    giveUpAt: timestamp('give_up_at', { withTimezone: true }),
    /** The `Message-ID` of the email sent for it (`<id@APP_URL host>`); null: no email (in-app only, or not sent yet). */
    emailMessageId: text('email_message_id'),
  },
  (t) => [
    index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_failed_idx').on(t.id).where(sql`${t.status} = 'failed'`),
    // The automatic-transfer summaries of the last days, read by every retry sweep (run-automatic-payouts.ts).
    index('outbox_transfer_summaries_idx').on(t.createdAt).where(sql`${t.topic} = 'alert.automatic_transfers_failed'`),
  ],
);

/** In-app notifications: one per delivered message to a user (DESIGN.md §6). In-app is always on. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    userId: text('user_id').notNull(),
    /** The outbox message it was delivered from: delivering twice keeps one notification. */
    outboxId: bigint('outbox_id', { mode: 'bigint' }).notNull().unique(),
    topic: text('topic').notNull(),
    category: text('category').notNull(),
    critical: boolean('critical').notNull().default(false),
    /** Rendered in the user's language when delivered. */
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A dashboard page about it (absolute URL under APP_URL), or null. */
    link: text('link'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.id), index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`)],
);

/** Email on or off per user and category (absent row: on). Critical alerts are sent whatever this says. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: text('user_id').notNull(),
    category: text('category').notNull(),
    email: boolean('email').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category] })],
);

/** One-click unsubscribe tokens that were used (a token works once). */
export const unsubscribeTokenUses = pgTable('unsubscribe_token_uses', {
  /** SHA-256 of the token. */
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull(),
  category: text('category').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }).notNull(),
});

/**
 * Without `SMTP_URL` (the embedded demo) emails are kept here instead of sent, and admins read
 * them at `GET /api/admin/mailbox`.
 */
export const mailboxMessages = pgTable('mailbox_messages', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  /** The email's `Message-ID`: a re-send after a crash is kept once. */
  messageId: text('message_id').notNull().unique(),
  outboxId: bigint('outbox_id', { mode: 'bigint' }),
  topic: text('topic'),
  from: text('from').notNull(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  html: text('html').notNull(),
  text: text('text').notNull(),
  headers: jsonb('headers').$type<Record<string, string>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

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

/**
 * Keys the service makes for itself on first use and keeps (e.g. `unsubscribe`, which signs the
 * one-click unsubscribe links of emails): every instance shares them and they survive restarts,
 * so a link in an email sent last month still works.
 */
export const serviceSecrets = pgTable('service_secrets', {
  name: text('name').primaryKey(),
  /** Base64url of random bytes. */
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
