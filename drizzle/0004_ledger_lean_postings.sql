-- Leaner ledger writes (measured in bench/ledger-post.ts, see bench/README.md): postings lose
-- their foreign keys (each check locked the hot platform account rows for every entry; the
-- ledger_post functions create account and entry first, and verifyLedger checks for orphans)
-- and are keyed by (entry_id, id), which also serves the look-up by entry.
ALTER TABLE "ledger_postings" DROP CONSTRAINT "ledger_postings_entry_id_ledger_entries_id_fk";
--> statement-breakpoint
ALTER TABLE "ledger_postings" DROP CONSTRAINT "ledger_postings_account_code_ledger_accounts_code_fk";
--> statement-breakpoint
DROP INDEX "ledger_postings_entry_idx";
--> statement-breakpoint
ALTER TABLE "ledger_postings" DROP CONSTRAINT "ledger_postings_pkey";
--> statement-breakpoint
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_entry_id_id_pk" PRIMARY KEY("entry_id","id");
