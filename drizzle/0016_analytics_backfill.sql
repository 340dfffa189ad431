-- The admin analytics' aggregates (docs/analytics.md): `daily_totals`, `creator_daily_totals` and
-- `creator_monthly_totals` (drizzle/0015) kept equal to a recount of `payments` and `payouts` by
-- statement-level triggers, in the same transaction as each change — whichever code path makes
-- it (the webhook's SQL functions, recordPayment, refunds, disputes, the release sweep, payout
-- status changes) — then the backfill of what existed before this migration.
--
-- Payments count on the UTC day they were made (`paid_at`): amount, fee, what was refunded of them
-- (refunds and lost disputes raise `refunded_amount`; its fee part by the cumulative rule of
-- docs/refunds-and-disputes.md), and how many are in each status. Payouts count on the UTC day
-- they were paid (`completed_at`) while they are PAID. A trigger adds what the changed rows count
-- now and subtracts what they counted before, so any change — a refund, a status move, even a
-- PAID payout failing later — lands as the difference.

-- The UTC day of a moment: the one definition the triggers, the recount and the API share.
CREATE FUNCTION analytics_day(p_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (p_at AT TIME ZONE 'UTC')::date $$;
--> statement-breakpoint

-- The platform's fee part of `p_refunded` returned on a payment: what is not the creator's part,
-- round_half_up(refunded × creator_amount / amount) (creatorReturnedTotal in
-- src/domain/payments/refund-split.ts). `amount` is > 0 (payments_amounts). Most payments have no
-- refund: no numeric division for them (a quarter of the release sweep's trigger time).
CREATE FUNCTION analytics_refunded_fee(p_amount bigint, p_creator_amount bigint, p_refunded bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_refunded = 0 THEN 0::bigint
              ELSE p_refunded - div(2 * p_refunded::numeric * p_creator_amount + p_amount, 2 * p_amount::numeric)::bigint END
$$;
--> statement-breakpoint

-- A bucket row of an aggregate key that no other transaction is writing: the first of 0 … n-1
-- whose advisory lock is free (held to the end of the transaction; a transaction gets its own
-- back), else a random one, which may then wait. As with the ledger's hot balances, concurrent
-- writers never queue on one row, and a quiet system uses bucket 0 only.
CREATE FUNCTION analytics_bucket(p_key text, p_buckets integer) RETURNS smallint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_hash integer := hashtext(p_key);
BEGIN
  FOR b IN 0 .. p_buckets - 1 LOOP
    IF pg_try_advisory_xact_lock(v_hash, b) THEN
      RETURN b;
    END IF;
  END LOOP;
  RETURN floor(random() * p_buckets)::smallint;
END;
$$;
--> statement-breakpoint

-- What a statement's payment rows count, summed per day, currency and status (creator_id null:
-- for daily_totals) or per day, currency and creator (status null: for the creator tables) — the
-- rows it wrote count positively, the rows it replaced or deleted negatively.
CREATE TYPE analytics_payment_fact AS (
  day date, currency text, creator_id text, status text,
  payments bigint, amount bigint, fee_amount bigint, refunded_amount bigint, refunded_fee_amount bigint
);
--> statement-breakpoint
CREATE TYPE analytics_payout_fact AS (day date, currency text, sign integer, amount bigint);
--> statement-breakpoint

-- Add payment facts to the three tables: `p_days` to daily_totals, `p_creators` per creator and
-- day and per creator and month; rows written in key order. A statement with more than 128 keys
-- in a table (a bulk load) writes bucket 0 there without advisory locks, so it cannot fill the
-- lock table.
CREATE FUNCTION analytics_count_payments(p_days analytics_payment_fact[], p_creators analytics_payment_fact[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  WITH g AS (
    SELECT f.day, f.currency,
           sum(f.payments) AS payments, sum(f.amount) AS amount, sum(f.fee_amount) AS fee_amount,
           sum(f.refunded_amount) AS refunded_amount, sum(f.refunded_fee_amount) AS refunded_fee_amount,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'HELD'), 0) AS held,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'READY'), 0) AS ready,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'PROCESSING'), 0) AS processing,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'PAID'), 0) AS paid,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'CANCELLED'), 0) AS cancelled,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'DISPUTED'), 0) AS disputed,
           coalesce(sum(f.payments) FILTER (WHERE f.status = 'REFUNDED'), 0) AS refunded
      FROM unnest(p_days) AS f GROUP BY f.day, f.currency
  ), changed AS (
    SELECT g.*, count(*) OVER () AS keys FROM g
     WHERE (g.payments, g.amount, g.fee_amount, g.refunded_amount, g.refunded_fee_amount, g.held, g.ready, g.processing, g.paid, g.cancelled, g.disputed, g.refunded)
           IS DISTINCT FROM (0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric)
  )
  INSERT INTO daily_totals AS t (day, currency, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount,
                                 payments_held, payments_ready, payments_processing, payments_paid, payments_cancelled, payments_disputed, payments_refunded)
  SELECT c.day, c.currency, CASE WHEN c.keys > 128 THEN 0 ELSE analytics_bucket('daily_totals:' || c.currency || ':' || c.day, 8) END,
         c.payments, c.amount, c.fee_amount, c.refunded_amount, c.refunded_fee_amount,
         c.held, c.ready, c.processing, c.paid, c.cancelled, c.disputed, c.refunded
    FROM changed c
   ORDER BY c.currency, c.day
  ON CONFLICT (currency, day, bucket) DO UPDATE SET
    payments = t.payments + excluded.payments,
    amount = t.amount + excluded.amount,
    fee_amount = t.fee_amount + excluded.fee_amount,
    refunded_amount = t.refunded_amount + excluded.refunded_amount,
    refunded_fee_amount = t.refunded_fee_amount + excluded.refunded_fee_amount,
    payments_held = t.payments_held + excluded.payments_held,
    payments_ready = t.payments_ready + excluded.payments_ready,
    payments_processing = t.payments_processing + excluded.payments_processing,
    payments_paid = t.payments_paid + excluded.payments_paid,
    payments_cancelled = t.payments_cancelled + excluded.payments_cancelled,
    payments_disputed = t.payments_disputed + excluded.payments_disputed,
    payments_refunded = t.payments_refunded + excluded.payments_refunded;

  IF cardinality(p_creators) = 0 THEN
    RETURN;
  END IF;
  WITH g AS (
    SELECT f.day, f.currency, f.creator_id,
           sum(f.payments) AS payments, sum(f.amount) AS amount, sum(f.fee_amount) AS fee_amount,
           sum(f.refunded_amount) AS refunded_amount, sum(f.refunded_fee_amount) AS refunded_fee_amount
      FROM unnest(p_creators) AS f GROUP BY f.day, f.currency, f.creator_id
  ), changed AS (
    SELECT g.*, count(*) OVER () AS keys FROM g
     WHERE (g.payments, g.amount, g.fee_amount, g.refunded_amount, g.refunded_fee_amount)
           IS DISTINCT FROM (0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric)
  ), by_day AS (
    INSERT INTO creator_daily_totals AS t (day, currency, creator_id, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount)
    SELECT c.day, c.currency, c.creator_id,
           CASE WHEN c.keys > 128 THEN 0 ELSE analytics_bucket('creator_daily_totals:' || c.currency || ':' || c.creator_id || ':' || c.day, 4) END,
           c.payments, c.amount, c.fee_amount, c.refunded_amount, c.refunded_fee_amount
      FROM changed c
     ORDER BY c.currency, c.creator_id, c.day
    ON CONFLICT (currency, creator_id, day, bucket) DO UPDATE SET
      payments = t.payments + excluded.payments,
      amount = t.amount + excluded.amount,
      fee_amount = t.fee_amount + excluded.fee_amount,
      refunded_amount = t.refunded_amount + excluded.refunded_amount,
      refunded_fee_amount = t.refunded_fee_amount + excluded.refunded_fee_amount
  ), m AS (
    SELECT date_trunc('month', c.day)::date AS month, c.currency, c.creator_id,
           sum(c.payments) AS payments, sum(c.amount) AS amount, sum(c.fee_amount) AS fee_amount,
           sum(c.refunded_amount) AS refunded_amount, sum(c.refunded_fee_amount) AS refunded_fee_amount, max(c.keys) AS keys
      FROM changed c GROUP BY 1, 2, 3
  )
  INSERT INTO creator_monthly_totals AS t (month, currency, creator_id, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount)
  SELECT m.month, m.currency, m.creator_id,
         CASE WHEN m.keys > 128 THEN 0 ELSE analytics_bucket('creator_monthly_totals:' || m.currency || ':' || m.creator_id || ':' || m.month, 4) END,
         m.payments, m.amount, m.fee_amount, m.refunded_amount, m.refunded_fee_amount
    FROM m
   ORDER BY m.currency, m.month, m.creator_id
  ON CONFLICT (currency, month, creator_id, bucket) DO UPDATE SET
    payments = t.payments + excluded.payments,
    amount = t.amount + excluded.amount,
    fee_amount = t.fee_amount + excluded.fee_amount,
    refunded_amount = t.refunded_amount + excluded.refunded_amount,
    refunded_fee_amount = t.refunded_fee_amount + excluded.refunded_fee_amount;
END;
$$;
--> statement-breakpoint

-- Add payout facts (PAID payouts only) to daily_totals, as above.
CREATE FUNCTION analytics_count_payouts(p_facts analytics_payout_fact[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  WITH g AS (
    SELECT x.day, x.currency, sum(x.sign) AS paid, sum(x.sign * x.amount) AS amount
      FROM unnest(p_facts) AS x GROUP BY x.day, x.currency
  ), changed AS (
    SELECT g.*, count(*) OVER () AS keys FROM g WHERE g.paid <> 0 OR g.amount <> 0
  )
  INSERT INTO daily_totals AS t (day, currency, bucket, payouts_paid, payouts_paid_amount)
  SELECT c.day, c.currency, CASE WHEN c.keys > 128 THEN 0 ELSE analytics_bucket('daily_totals:' || c.currency || ':' || c.day, 8) END, c.paid, c.amount
    FROM changed c
   ORDER BY c.currency, c.day
  ON CONFLICT (currency, day, bucket) DO UPDATE SET
    payouts_paid = t.payouts_paid + excluded.payouts_paid,
    payouts_paid_amount = t.payouts_paid_amount + excluded.payouts_paid_amount;
END;
$$;
--> statement-breakpoint

-- The statement triggers: what the inserted rows count, what the deleted rows counted, and for an
-- update both, summed so that what did not change cancels out: an update of allocated_amount or
-- dispute_requested counts nothing and writes nothing, and a status move changes no creator
-- figure, so the release sweep writes daily_totals only. One pass over the transition tables
-- gives both groupings.
CREATE FUNCTION analytics_payments_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_days analytics_payment_fact[];
  v_creators analytics_payment_fact[];
BEGIN
  -- The inserted rows count.
  WITH r AS (
    SELECT analytics_day(n.paid_at) AS day, n.currency::text AS currency, n.creator_id, n.status, 1 AS sign, n.amount, n.fee_amount, n.refunded_amount,
           analytics_refunded_fee(n.amount, n.creator_amount, n.refunded_amount) AS refunded_fee
      FROM new_rows n
  ), g AS (
    SELECT r.day, r.currency, r.creator_id, r.status, GROUPING(r.creator_id) AS per_day,
           sum(r.sign) AS payments, sum(r.sign * r.amount) AS amount, sum(r.sign * r.fee_amount) AS fee_amount,
           sum(r.sign * r.refunded_amount) AS refunded_amount, sum(r.sign * r.refunded_fee) AS refunded_fee_amount
      FROM r
     GROUP BY GROUPING SETS ((r.day, r.currency, r.status), (r.day, r.currency, r.creator_id))
  )
  SELECT coalesce(array_agg(ROW(g.day, g.currency, NULL, g.status, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 1), '{}'),
         coalesce(array_agg(ROW(g.day, g.currency, g.creator_id, NULL, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 0), '{}')
    INTO v_days, v_creators
    FROM g
   WHERE (g.payments, g.amount, g.fee_amount, g.refunded_amount, g.refunded_fee_amount) IS DISTINCT FROM (0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric);
  IF cardinality(v_days) > 0 OR cardinality(v_creators) > 0 THEN
    PERFORM analytics_count_payments(v_days, v_creators);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_payments_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_days analytics_payment_fact[];
  v_creators analytics_payment_fact[];
BEGIN
  -- The rows as they are now count; as they were, no longer.
  WITH r AS (
    SELECT analytics_day(n.paid_at) AS day, n.currency::text AS currency, n.creator_id, n.status, 1 AS sign, n.amount, n.fee_amount, n.refunded_amount,
           analytics_refunded_fee(n.amount, n.creator_amount, n.refunded_amount) AS refunded_fee
      FROM new_rows n
    UNION ALL
    SELECT analytics_day(o.paid_at) AS day, o.currency::text AS currency, o.creator_id, o.status, -1 AS sign, o.amount, o.fee_amount, o.refunded_amount,
           analytics_refunded_fee(o.amount, o.creator_amount, o.refunded_amount) AS refunded_fee
      FROM old_rows o
  ), g AS (
    SELECT r.day, r.currency, r.creator_id, r.status, GROUPING(r.creator_id) AS per_day,
           sum(r.sign) AS payments, sum(r.sign * r.amount) AS amount, sum(r.sign * r.fee_amount) AS fee_amount,
           sum(r.sign * r.refunded_amount) AS refunded_amount, sum(r.sign * r.refunded_fee) AS refunded_fee_amount
      FROM r
     GROUP BY GROUPING SETS ((r.day, r.currency, r.status), (r.day, r.currency, r.creator_id))
  )
  SELECT coalesce(array_agg(ROW(g.day, g.currency, NULL, g.status, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 1), '{}'),
         coalesce(array_agg(ROW(g.day, g.currency, g.creator_id, NULL, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 0), '{}')
    INTO v_days, v_creators
    FROM g
   WHERE (g.payments, g.amount, g.fee_amount, g.refunded_amount, g.refunded_fee_amount) IS DISTINCT FROM (0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric);
  IF cardinality(v_days) > 0 OR cardinality(v_creators) > 0 THEN
    PERFORM analytics_count_payments(v_days, v_creators);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_payments_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_days analytics_payment_fact[];
  v_creators analytics_payment_fact[];
BEGIN
  -- The deleted rows no longer count.
  WITH r AS (
    SELECT analytics_day(o.paid_at) AS day, o.currency::text AS currency, o.creator_id, o.status, -1 AS sign, o.amount, o.fee_amount, o.refunded_amount,
           analytics_refunded_fee(o.amount, o.creator_amount, o.refunded_amount) AS refunded_fee
      FROM old_rows o
  ), g AS (
    SELECT r.day, r.currency, r.creator_id, r.status, GROUPING(r.creator_id) AS per_day,
           sum(r.sign) AS payments, sum(r.sign * r.amount) AS amount, sum(r.sign * r.fee_amount) AS fee_amount,
           sum(r.sign * r.refunded_amount) AS refunded_amount, sum(r.sign * r.refunded_fee) AS refunded_fee_amount
      FROM r
     GROUP BY GROUPING SETS ((r.day, r.currency, r.status), (r.day, r.currency, r.creator_id))
  )
  SELECT coalesce(array_agg(ROW(g.day, g.currency, NULL, g.status, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 1), '{}'),
         coalesce(array_agg(ROW(g.day, g.currency, g.creator_id, NULL, g.payments, g.amount::bigint, g.fee_amount::bigint, g.refunded_amount::bigint, g.refunded_fee_amount::bigint)::analytics_payment_fact)
                    FILTER (WHERE g.per_day = 0), '{}')
    INTO v_days, v_creators
    FROM g
   WHERE (g.payments, g.amount, g.fee_amount, g.refunded_amount, g.refunded_fee_amount) IS DISTINCT FROM (0::numeric, 0::numeric, 0::numeric, 0::numeric, 0::numeric);
  IF cardinality(v_days) > 0 OR cardinality(v_creators) > 0 THEN
    PERFORM analytics_count_payments(v_days, v_creators);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_payouts_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_facts analytics_payout_fact[];
BEGIN
  v_facts := ARRAY(
    SELECT ROW(analytics_day(coalesce(n.completed_at, n.updated_at)), n.currency, 1, n.amount)::analytics_payout_fact
      FROM new_rows n WHERE n.status = 'PAID');
  IF cardinality(v_facts) > 0 THEN
    PERFORM analytics_count_payouts(v_facts);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_payouts_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_facts analytics_payout_fact[];
BEGIN
  v_facts := ARRAY(
    SELECT fact
      FROM old_rows o
      JOIN new_rows n ON n.id = o.id
     CROSS JOIN LATERAL (VALUES
       (CASE WHEN n.status = 'PAID' THEN ROW(analytics_day(coalesce(n.completed_at, n.updated_at)), n.currency, 1, n.amount)::analytics_payout_fact END),
       (CASE WHEN o.status = 'PAID' THEN ROW(analytics_day(coalesce(o.completed_at, o.updated_at)), o.currency, -1, o.amount)::analytics_payout_fact END)) AS v(fact)
     WHERE (o.status = 'PAID' OR n.status = 'PAID')
       AND (o.status, o.currency, o.amount, analytics_day(coalesce(o.completed_at, o.updated_at)))
           IS DISTINCT FROM (n.status, n.currency, n.amount, analytics_day(coalesce(n.completed_at, n.updated_at)))
       AND v.fact IS NOT NULL);
  IF cardinality(v_facts) > 0 THEN
    PERFORM analytics_count_payouts(v_facts);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_payouts_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_facts analytics_payout_fact[];
BEGIN
  v_facts := ARRAY(
    SELECT ROW(analytics_day(coalesce(o.completed_at, o.updated_at)), o.currency, -1, o.amount)::analytics_payout_fact
      FROM old_rows o WHERE o.status = 'PAID');
  IF cardinality(v_facts) > 0 THEN
    PERFORM analytics_count_payouts(v_facts);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER payments_analytics_insert AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payments_inserted();
--> statement-breakpoint
CREATE TRIGGER payments_analytics_update AFTER UPDATE ON payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payments_updated();
--> statement-breakpoint
CREATE TRIGGER payments_analytics_delete AFTER DELETE ON payments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payments_deleted();
--> statement-breakpoint
CREATE TRIGGER payouts_analytics_insert AFTER INSERT ON payouts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payouts_inserted();
--> statement-breakpoint
CREATE TRIGGER payouts_analytics_update AFTER UPDATE ON payouts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payouts_updated();
--> statement-breakpoint
CREATE TRIGGER payouts_analytics_delete AFTER DELETE ON payouts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_payouts_deleted();
--> statement-breakpoint

-- The same figures counted from scratch, per day and currency: what the aggregates must equal
-- (`payouts verify`, src/services/analytics/verify-analytics.ts) and what the backfill writes.
CREATE FUNCTION analytics_daily_recount() RETURNS TABLE (
  day date, currency text, payments bigint, amount bigint, fee_amount bigint, refunded_amount bigint, refunded_fee_amount bigint,
  payments_held bigint, payments_ready bigint, payments_processing bigint, payments_paid bigint,
  payments_cancelled bigint, payments_disputed bigint, payments_refunded bigint,
  payouts_paid bigint, payouts_paid_amount bigint
) LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT analytics_day(paid_at) AS day, currency::text AS currency, count(*) AS payments,
           sum(amount)::bigint AS amount, sum(fee_amount)::bigint AS fee_amount, sum(refunded_amount)::bigint AS refunded_amount,
           sum(analytics_refunded_fee(amount, creator_amount, refunded_amount))::bigint AS refunded_fee_amount,
           count(*) FILTER (WHERE status = 'HELD') AS held, count(*) FILTER (WHERE status = 'READY') AS ready,
           count(*) FILTER (WHERE status = 'PROCESSING') AS processing, count(*) FILTER (WHERE status = 'PAID') AS paid,
           count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled, count(*) FILTER (WHERE status = 'DISPUTED') AS disputed,
           count(*) FILTER (WHERE status = 'REFUNDED') AS refunded
      FROM payments GROUP BY 1, 2
  ), o AS (
    SELECT analytics_day(coalesce(completed_at, updated_at)) AS day, currency::text AS currency, count(*) AS paid, sum(amount)::bigint AS amount
      FROM payouts WHERE status = 'PAID' GROUP BY 1, 2
  )
  SELECT coalesce(p.day, o.day), coalesce(p.currency, o.currency),
         coalesce(p.payments, 0), coalesce(p.amount, 0), coalesce(p.fee_amount, 0), coalesce(p.refunded_amount, 0), coalesce(p.refunded_fee_amount, 0),
         coalesce(p.held, 0), coalesce(p.ready, 0), coalesce(p.processing, 0), coalesce(p.paid, 0),
         coalesce(p.cancelled, 0), coalesce(p.disputed, 0), coalesce(p.refunded, 0),
         coalesce(o.paid, 0), coalesce(o.amount, 0)
    FROM p FULL JOIN o ON o.day = p.day AND o.currency = p.currency
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_creator_daily_recount() RETURNS TABLE (
  day date, currency text, creator_id text, payments bigint, amount bigint, fee_amount bigint, refunded_amount bigint, refunded_fee_amount bigint
) LANGUAGE sql STABLE AS $$
  SELECT analytics_day(paid_at), currency::text, creator_id, count(*),
         sum(amount)::bigint, sum(fee_amount)::bigint, sum(refunded_amount)::bigint,
         sum(analytics_refunded_fee(amount, creator_amount, refunded_amount))::bigint
    FROM payments GROUP BY 1, 2, 3
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_creator_monthly_recount() RETURNS TABLE (
  month date, currency text, creator_id text, payments bigint, amount bigint, fee_amount bigint, refunded_amount bigint, refunded_fee_amount bigint
) LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', analytics_day(paid_at))::date, currency::text, creator_id, count(*),
         sum(amount)::bigint, sum(fee_amount)::bigint, sum(refunded_amount)::bigint,
         sum(analytics_refunded_fee(amount, creator_amount, refunded_amount))::bigint
    FROM payments GROUP BY 1, 2, 3
$$;
--> statement-breakpoint

-- Replace the aggregates with a recount. Writes to payments and payouts wait meanwhile (SHARE
-- locks), so no change is counted twice or missed. The backfill below; by hand after a
-- `payouts verify` that found them wrong: `select analytics_rebuild();`.
CREATE FUNCTION analytics_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE payments, payouts IN SHARE MODE;
  DELETE FROM daily_totals;
  DELETE FROM creator_daily_totals;
  DELETE FROM creator_monthly_totals;
  INSERT INTO daily_totals (day, currency, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount,
                            payments_held, payments_ready, payments_processing, payments_paid, payments_cancelled, payments_disputed, payments_refunded,
                            payouts_paid, payouts_paid_amount)
  SELECT r.day, r.currency, 0, r.payments, r.amount, r.fee_amount, r.refunded_amount, r.refunded_fee_amount,
         r.payments_held, r.payments_ready, r.payments_processing, r.payments_paid, r.payments_cancelled, r.payments_disputed, r.payments_refunded,
         r.payouts_paid, r.payouts_paid_amount
    FROM analytics_daily_recount() r;
  INSERT INTO creator_daily_totals (day, currency, creator_id, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount)
  SELECT r.day, r.currency, r.creator_id, 0, r.payments, r.amount, r.fee_amount, r.refunded_amount, r.refunded_fee_amount
    FROM analytics_creator_daily_recount() r;
  INSERT INTO creator_monthly_totals (month, currency, creator_id, bucket, payments, amount, fee_amount, refunded_amount, refunded_fee_amount)
  SELECT r.month, r.currency, r.creator_id, 0, r.payments, r.amount, r.fee_amount, r.refunded_amount, r.refunded_fee_amount
    FROM analytics_creator_monthly_recount() r;
END;
$$;
--> statement-breakpoint
SELECT analytics_rebuild();
