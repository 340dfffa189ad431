import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, char, check, index, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The double-entry ledger (DESIGN.md §3). Accounts are named by a code that encodes their
 * owner, kind and currency (`creator:<id>:available:eur`, `platform:fees:eur`), so postings
 * reference accounts without a look-up. Postings are signed: debit positive, credit negative;
 * every entry's postings sum to zero per currency. Balances are kept in the account's natural
 * sign (a creator's `available` is positive when the platform owes the creator money) in
 * `ledger_balances`, split into `buckets` rows for hot platform accounts so that concurrent
 * payments do not serialise on one row. Entries are append-only.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    code: text('code').primaryKey(),
    currency: char('currency', { length: 3 }).notNull(),
    normalSide: text('normal_side', { enum: ['debit', 'credit'] }).notNull(),
    allowNegative: boolean('allow_negative').notNull(),
    buckets: smallint('buckets').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_accounts_normal_side', sql`${t.normalSide} in ('debit', 'credit')`),
    check('ledger_accounts_buckets', sql`${t.buckets} between 1 and 64`),
  ],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    kind: text('kind').notNull(),
    /** sha256 of the entry's content: a reused key with other content is refused. */
    contentHash: text('content_hash').notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ledger_entries_kind_idx').on(t.kind, t.id)],
);

export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    entryId: bigint('entry_id', { mode: 'bigint' })
      .notNull()
      .references(() => ledgerEntries.id),
    accountCode: text('account_code')
      .notNull()
      .references(() => ledgerAccounts.code),
    currency: char('currency', { length: 3 }).notNull(),
    /** Debit positive, credit negative, in minor units. */
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    index('ledger_postings_account_idx').on(t.accountCode, t.id),
    index('ledger_postings_entry_idx').on(t.entryId),
    check('ledger_postings_nonzero', sql`${t.amount} <> 0`),
  ],
);

export const ledgerBalances = pgTable(
  'ledger_balances',
  {
    accountCode: text('account_code')
      .notNull()
      .references(() => ledgerAccounts.code),
    bucket: smallint('bucket').notNull(),
    /** In the account's natural sign. */
    balance: bigint('balance', { mode: 'bigint' }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.accountCode, t.bucket] })],
);
