CREATE TABLE "creator_clawbacks" (
	"id" text PRIMARY KEY NOT NULL,
	"creator_id" text NOT NULL,
	"payout_id" text NOT NULL,
	"stripe_transfer_id" text NOT NULL,
	"stripe_reversal_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"reason" text NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "creator_clawbacks_stripe_reversal_id_unique" UNIQUE("stripe_reversal_id")
);
--> statement-breakpoint
CREATE TABLE "payment_disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"creator_part" bigint NOT NULL,
	"fee_part" bigint NOT NULL,
	"from_held" bigint NOT NULL,
	"from_available" bigint NOT NULL,
	"from_receivable" bigint NOT NULL,
	"previous_status" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"dispute_fee" bigint,
	"fee_payer" text,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payment_disputes_parts" CHECK ("payment_disputes"."amount" > 0 and "payment_disputes"."creator_part" + "payment_disputes"."fee_part" = "payment_disputes"."amount" and "payment_disputes"."from_held" + "payment_disputes"."from_available" + "payment_disputes"."from_receivable" = "payment_disputes"."creator_part")
);
--> statement-breakpoint
CREATE TABLE "payment_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"creator_part" bigint NOT NULL,
	"fee_part" bigint NOT NULL,
	"from_held" bigint NOT NULL,
	"from_available" bigint NOT NULL,
	"to_receivable" bigint NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payment_refunds_parts" CHECK ("payment_refunds"."amount" > 0 and "payment_refunds"."creator_part" >= 0 and "payment_refunds"."fee_part" >= 0 and "payment_refunds"."creator_part" + "payment_refunds"."fee_part" = "payment_refunds"."amount"
      and "payment_refunds"."from_held" >= 0 and "payment_refunds"."from_available" >= 0 and "payment_refunds"."to_receivable" >= 0 and "payment_refunds"."from_held" + "payment_refunds"."from_available" + "payment_refunds"."to_receivable" = "payment_refunds"."creator_part")
);
--> statement-breakpoint
ALTER TABLE "creator_clawbacks" ADD CONSTRAINT "creator_clawbacks_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "creator_clawbacks" ADD CONSTRAINT "creator_clawbacks_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_disputes" ADD CONSTRAINT "payment_disputes_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "creator_clawbacks_creator_idx" ON "creator_clawbacks" USING btree ("creator_id","created_at");--> statement-breakpoint
CREATE INDEX "creator_clawbacks_payout_idx" ON "creator_clawbacks" USING btree ("payout_id");--> statement-breakpoint
CREATE INDEX "payment_disputes_payment_idx" ON "payment_disputes" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payment_refunds_payment_idx" ON "payment_refunds" USING btree ("payment_id");