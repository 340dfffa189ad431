CREATE TABLE "payout_blocked_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"creator_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"limit_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_payments" (
	"payout_id" text NOT NULL,
	"payment_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "payout_payments_payout_id_payment_id_pk" PRIMARY KEY("payout_id","payment_id"),
	CONSTRAINT "payout_payments_amount_positive" CHECK ("payout_payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"creator_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"status" text NOT NULL,
	"origin" text NOT NULL,
	"stripe_account_id" text,
	"stripe_transfer_id" text,
	"stripe_bank_payout_id" text,
	"awaits_bank_payout" boolean DEFAULT false NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"next_retry_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"last_error_code" text,
	"failure_reason" text,
	"approval_reason" text,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"limit_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"review_notes" text,
	"notes" text,
	"requested_by" text NOT NULL,
	"processed_by" text,
	"requested_at" timestamp with time zone NOT NULL,
	"processing_started_at" timestamp with time zone,
	"transferred_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payouts_stripe_transfer_id_unique" UNIQUE("stripe_transfer_id"),
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "allocated_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payout_blocked_attempts" ADD CONSTRAINT "payout_blocked_attempts_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_payments" ADD CONSTRAINT "payout_payments_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_payments" ADD CONSTRAINT "payout_payments_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payout_blocked_attempts_creator_idx" ON "payout_blocked_attempts" USING btree ("creator_id","created_at");--> statement-breakpoint
CREATE INDEX "payout_payments_payment_idx" ON "payout_payments" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payouts_creator_idx" ON "payouts" USING btree ("creator_id","requested_at");--> statement-breakpoint
CREATE INDEX "payouts_status_idx" ON "payouts" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "payouts_retry_idx" ON "payouts" USING btree ("next_retry_at") WHERE "payouts"."status" = 'PROCESSING';--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_one_open_request" ON "payouts" USING btree ("creator_id","currency") WHERE "payouts"."origin" = 'request' and "payouts"."status" in ('PENDING_APPROVAL', 'PENDING', 'PROCESSING');--> statement-breakpoint
CREATE INDEX "payments_ready_idx" ON "payments" USING btree ("creator_id","currency","payout_release_date","id") WHERE "payments"."status" = 'READY';