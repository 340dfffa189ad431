CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"subject" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"snoozed_until" timestamp with time zone,
	"opened_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution_note" text,
	"last_seen_at" timestamp with time zone NOT NULL,
	"occurrences" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "alerts_status_valid" CHECK ("alerts"."status" in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
	CONSTRAINT "alerts_severity_valid" CHECK ("alerts"."severity" in ('info', 'warning', 'critical')),
	CONSTRAINT "alerts_occurrences_positive" CHECK ("alerts"."occurrences" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_fingerprint" ON "alerts" USING btree ("fingerprint") WHERE "alerts"."status" <> 'RESOLVED';--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "alerts_type_idx" ON "alerts" USING btree ("type","status");