CREATE TABLE "creator_daily_totals" (
	"day" date NOT NULL,
	"currency" char(3) NOT NULL,
	"creator_id" text NOT NULL,
	"bucket" smallint NOT NULL,
	"payments" bigint DEFAULT 0 NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"fee_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_fee_amount" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "creator_daily_totals_currency_creator_id_day_bucket_pk" PRIMARY KEY("currency","creator_id","day","bucket"),
	CONSTRAINT "creator_daily_totals_bucket" CHECK ("creator_daily_totals"."bucket" between 0 and 3)
);
--> statement-breakpoint
CREATE TABLE "creator_monthly_totals" (
	"month" date NOT NULL,
	"currency" char(3) NOT NULL,
	"creator_id" text NOT NULL,
	"bucket" smallint NOT NULL,
	"payments" bigint DEFAULT 0 NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"fee_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_fee_amount" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "creator_monthly_totals_currency_month_creator_id_bucket_pk" PRIMARY KEY("currency","month","creator_id","bucket"),
	CONSTRAINT "creator_monthly_totals_bucket" CHECK ("creator_monthly_totals"."bucket" between 0 and 3),
	CONSTRAINT "creator_monthly_totals_month" CHECK (extract(day from "creator_monthly_totals"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "daily_totals" (
	"day" date NOT NULL,
	"currency" char(3) NOT NULL,
	"bucket" smallint NOT NULL,
	"payments" bigint DEFAULT 0 NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"fee_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"refunded_fee_amount" bigint DEFAULT 0 NOT NULL,
	"payments_held" bigint DEFAULT 0 NOT NULL,
	"payments_ready" bigint DEFAULT 0 NOT NULL,
	"payments_processing" bigint DEFAULT 0 NOT NULL,
	"payments_paid" bigint DEFAULT 0 NOT NULL,
	"payments_cancelled" bigint DEFAULT 0 NOT NULL,
	"payments_disputed" bigint DEFAULT 0 NOT NULL,
	"payments_refunded" bigint DEFAULT 0 NOT NULL,
	"payouts_paid" bigint DEFAULT 0 NOT NULL,
	"payouts_paid_amount" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_totals_currency_day_bucket_pk" PRIMARY KEY("currency","day","bucket"),
	CONSTRAINT "daily_totals_bucket" CHECK ("daily_totals"."bucket" between 0 and 7)
);
