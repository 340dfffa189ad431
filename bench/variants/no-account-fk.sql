-- Scratch variant of ledger_post (drizzle/0001_ledger_post_function.sql) for bench/ledger-post.ts --ledger-sql.
-- Drops the FK ledger_postings.account_code -> ledger_accounts (its check takes FOR KEY SHARE on the hot account rows).
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_account_code_ledger_accounts_code_fk;
