import { sql } from 'drizzle-orm';
import { boolean, char, check, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** People who log in: admins (finance ops) and creators. Host platforms use API keys instead. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['ADMIN', 'CREATOR'] }).notNull(),
    /** scrypt, `scrypt$N$r$p$salt$hash`; null: no password login (token-only creators). */
    passwordHash: text('password_hash'),
    /** The dashboards' language an ADMIN chose (`PATCH /api/auth/me`); null: not chosen. A CREATOR's is `creators.locale`, which the service's messages to them use too. */
    locale: text('locale'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_email_unique').on(sql`lower(${t.email})`), check('users_role', sql`${t.role} in ('ADMIN', 'CREATOR')`)],
);

/** A creator's payout profile; one per CREATOR user. Overrides are null when the global setting applies. */
export const creators = pgTable(
  'creators',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .unique()
      .references(() => users.id),
    stripeAccountId: text('stripe_account_id').unique(),
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    requirementsDue: jsonb('requirements_due').$type<string[]>().notNull().default([]),
    holdingPeriodHours: integer('holding_period_hours'),
    feeBps: integer('fee_bps'),
    payoutMode: text('payout_mode', { enum: ['manual', 'automatic', 'scheduled'] }),
    payoutSchedule: text('payout_schedule', { enum: ['weekly', 'monthly'] }),
    locale: text('locale').notNull().default('en'),
    currency: char('currency', { length: 3 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    check('creators_fee_bps', sql`${t.feeBps} is null or ${t.feeBps} between 0 and 10000`),
    check('creators_holding', sql`${t.holdingPeriodHours} is null or ${t.holdingPeriodHours} >= 0`),
  ],
);

/** ADMIN and PLATFORM keys. Only a SHA-256 of the key is kept; the key is shown once. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  role: text('role', { enum: ['ADMIN', 'PLATFORM'] }).notNull(),
  /** The first characters of the key, to recognise it in a list. */
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Cookie sessions: the cookie holds a random token, the table its SHA-256. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
