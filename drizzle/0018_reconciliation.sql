CREATE TABLE "reconciliation_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"class" text NOT NULL,
	"stripe_id" text,
	"local_type" text,
	"local_id" text,
	"currency" char(3),
	"stripe_amount" bigint,
	"local_amount" bigint,
	"stripe_status" text,
	"local_status" text,
	"matched_by" text,
	"differences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text NOT NULL,
	"fingerprint" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" text,
	"accept_note" text,
	"alert_id" bigint
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"started_by" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"heartbeat_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb DEFAULT '{"matched":0,"expected":0,"mismatched":0,"missing_here":0,"missing_at_stripe":0}'::jsonb NOT NULL,
	"accepted_count" integer DEFAULT 0 NOT NULL,
	"stripe_objects" integer DEFAULT 0 NOT NULL,
	"stripe_requests" integer DEFAULT 0 NOT NULL,
	"alerts_opened" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "reconciliation_runs_period" CHECK ("reconciliation_runs"."period_start" < "reconciliation_runs"."period_end")
);
--> statement-breakpoint
ALTER TABLE "reconciliation_items" ADD CONSTRAINT "reconciliation_items_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reconciliation_items_run_idx" ON "reconciliation_items" USING btree ("run_id","class","id");--> statement-breakpoint
CREATE INDEX "reconciliation_items_accepted_idx" ON "reconciliation_items" USING btree ("fingerprint") WHERE "reconciliation_items"."accepted_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_runs_one_running" ON "reconciliation_runs" USING btree ("status") WHERE "reconciliation_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "reconciliation_runs_started_idx" ON "reconciliation_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "payments_stripe_charge_idx" ON "payments" USING btree ("stripe_charge_id") WHERE "payments"."stripe_charge_id" is not null;