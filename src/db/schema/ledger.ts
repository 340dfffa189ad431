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

/**
 * Postings carry no foreign keys on purpose: the only writers are the `ledger_post` functions,
 * which create the account and the entry just before, and a trigger forbids deleting either;
 * each FK check would take a KEY SHARE lock on the hot platform account rows for every entry
 * (measured: bench/README.md). `verifyLedger` checks that no posting is orphaned.
 */
export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    id: bigserial('id', { mode: 'bigint' }).notNull(),
    entryId: bigint('entry_id', { mode: 'bigint' }).notNull(),
    accountCode: text('account_code').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** Debit positive, credit negative, in minor units. */
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.entryId, t.id] }),
    index('ledger_postings_account_idx').on(t.accountCode, t.id),
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
