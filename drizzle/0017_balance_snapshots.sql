CREATE TABLE "platform_balance_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"currency" char(3) NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"available" bigint NOT NULL,
	"pending" bigint NOT NULL,
	"obligations" bigint NOT NULL,
	"required_reserve" bigint NOT NULL,
	"threshold_status" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "platform_balance_snapshots_status_valid" CHECK ("platform_balance_snapshots"."threshold_status" in ('depleted', 'critical', 'warning', 'healthy')),
	CONSTRAINT "platform_balance_snapshots_trigger_valid" CHECK ("platform_balance_snapshots"."trigger" in ('daily', 'on_demand'))
);
--> statement-breakpoint
CREATE INDEX "platform_balance_snapshots_currency_idx" ON "platform_balance_snapshots" USING btree ("currency","taken_at");