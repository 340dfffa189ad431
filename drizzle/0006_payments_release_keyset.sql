DROP INDEX "payments_release_due_idx";--> statement-breakpoint
CREATE INDEX "payments_release_due_idx" ON "payments" USING btree ("payout_release_date","id") WHERE "payments"."status" = 'HELD';