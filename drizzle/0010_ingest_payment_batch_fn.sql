-- webhook_record_payments: webhook_record_payment (0008) for several events in one statement, so
-- that payment webhooks arriving together share one round trip, one transaction and one commit
-- (docs/webhooks.md "Receipts in groups"). The caller answers each event's HTTP request only
-- after this statement has committed, so nothing is acknowledged before it is durable.
--
-- For each event it leaves exactly the rows webhook_record_payment leaves: the event row stored
-- `completed` (or `duplicates + 1` when the id is there already), the payment HELD with the fee
-- split and release date, its ledger entry (same key, kind, content hash, description, metadata,
-- postings), the audit event and the creator's `payment.received` outbox message. The ledger
-- balances get the entries' summed postings, account by account in code order (the order every
-- ledger writer locks them in), a hot account's bucket chosen as ledger_post chooses it.
--
-- Per event it answers `recorded`, `duplicate`, or `declined`: off the happy path (no such
-- creator, a payment already recorded for this external id, payment intent or booking) — its
-- event row is removed again, so a declined event leaves nothing, and the caller runs the
-- general path for it. Anything that would refuse the whole statement (a ledger refusal, an
-- idempotency key in use, two copies of one event id in one call, a deadlock) raises and leaves
-- nothing for any event: the caller then takes the events one by one.
--
-- Event rows are inserted in id order and payments in external-id order, so two concurrent calls
-- that share ids wait for each other in one order (the later call then counts duplicates).
--
-- p_events: [{i: event id, t: type, a: account, p: payload, y: payment id, c: creator id,
--   b: booking id, ex: external id, pi: payment intent, ch: charge, cs: Checkout session,
--   m: amount, u: currency, d: paid at, e: customer email, md: metadata,
--   k: the entry's accounts as webhook_record_payment's p_accounts (cash, creator held, fees),
--   n: when it was received (webhook_record_payment's p_now), ac: the actor, fb / hh: the default
--   fee (bps) and holding period (hours) for a creator without their own}]
CREATE FUNCTION webhook_record_payments(p_events jsonb) RETURNS TABLE (event_id text, outcome text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_new text[];
  v_duplicate text[];
  v_recorded text[];
  v_entries integer;
  v_deltas jsonb;
  v_bucket smallint;
  v_balance bigint;
  v_start integer;
  r record;
BEGIN
  WITH stored AS (
    INSERT INTO webhook_events AS w (id, type, account, status, attempts, payload, received_at, processed_at)
    SELECT x.i, x.t, x.a, 'completed', 1, x.p, x.n, x.n
      FROM jsonb_to_recordset(p_events) AS x(i text, t text, a text, p jsonb, n timestamptz)
     ORDER BY x.i
    ON CONFLICT (id) DO UPDATE SET duplicates = w.duplicates + 1
    RETURNING w.id, (w.xmax = 0) AS inserted
  )
  SELECT coalesce(array_agg(id) FILTER (WHERE inserted), '{}'), coalesce(array_agg(id) FILTER (WHERE NOT inserted), '{}')
    INTO v_new, v_duplicate
    FROM stored;

  v_recorded := '{}';
  IF cardinality(v_new) > 0 THEN
    WITH event AS (
      SELECT x.*
        FROM jsonb_to_recordset(p_events) AS x(i text, y text, c text, b text, ex text, pi text, ch text, cs text,
                                               m bigint, u text, d timestamptz, e text, md jsonb, k jsonb,
                                               n timestamptz, ac text, fb integer, hh integer)
       WHERE x.i = ANY (v_new)
    ), priced AS (
      SELECT event.*, cr.user_id, split.fee, event.m - split.fee AS net,
             event.d + coalesce(cr.holding_period_hours, event.hh) * interval '1 hour' AS release
        FROM event
        JOIN creators cr ON cr.id = event.c
       CROSS JOIN LATERAL (SELECT coalesce(cr.fee_bps, event.fb) AS bps) fee
       CROSS JOIN LATERAL (SELECT div(event.m::numeric * fee.bps + 5000, 10000)::bigint AS fee) split
       WHERE event.m > 0 AND fee.bps BETWEEN 0 AND 10000
    ), payment AS (
      INSERT INTO payments (id, creator_id, booking_id, external_id, stripe_payment_intent_id, stripe_charge_id,
                            stripe_checkout_session_id, amount, currency, fee_amount, creator_amount, status,
                            transferred_at_source, customer_email, paid_at, payout_release_date, metadata,
                            created_at, updated_at)
      SELECT y, c, b, ex, pi, ch, cs, m, u, fee, net, 'HELD', false, e, d, release, md, n, n
        FROM priced
       ORDER BY ex
      ON CONFLICT DO NOTHING
      RETURNING id
    ), done AS (
      SELECT priced.* FROM priced JOIN payment ON payment.id = priced.y
    ), audit AS (
      INSERT INTO audit_events (actor, action, subject_type, subject_id, from_status, to_status, amount, currency, reason, metadata, created_at)
      SELECT ac, 'payment.recorded', 'payment', y, NULL, 'HELD', m, u, NULL,
             jsonb_build_object('externalId', ex, 'feeAmount', fee::text, 'creatorAmount', net::text), n
        FROM done
       ORDER BY y
    ), notification AS (
      INSERT INTO outbox_messages (topic, recipient, payload, dedupe_key, created_at, next_attempt_at)
      SELECT 'payment.received', 'user:' || user_id,
             jsonb_build_object('paymentId', y, 'bookingId', b, 'amount', m::text, 'creatorAmount', net::text, 'currency', u,
                                'payoutReleaseDate', to_char(release AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             'payment.received:' || y, n, n
        FROM done
       ORDER BY y
      ON CONFLICT (dedupe_key) DO NOTHING
    ), entry AS (
      -- validateEntry's content hash: sha256 of JSON.stringify([kind, [[code, amount], …] sorted]),
      -- the postings in the order held, fees, cash (their codes sort so: checked in Node).
      INSERT INTO ledger_entries (idempotency_key, kind, content_hash, description, metadata, effective_at)
      SELECT 'payment:' || y || ':received', 'payment.received',
             encode(sha256(convert_to('["payment.received",[' || concat_ws(',',
               CASE WHEN net > 0 THEN '[' || to_json(k -> 1 ->> 'a')::text || ',"' || (-net)::text || '"]' END,
               CASE WHEN fee > 0 THEN '[' || to_json(k -> 2 ->> 'a')::text || ',"' || (-fee)::text || '"]' END,
               '[' || to_json(k -> 0 ->> 'a')::text || ',"' || m::text || '"]') || ']]', 'UTF8')), 'hex'),
             'Payment ' || ex || CASE WHEN b <> '' THEN ' for booking ' || b ELSE '' END,
             jsonb_build_object('paymentId', y), d
        FROM done
       ORDER BY y
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id, metadata ->> 'paymentId' AS payment_id
    ), leg AS (
      -- recordPayment's postings: cash debit; creator held and fees credit, each only when > 0.
      SELECT entry.id AS entry_id, part.n, part.account, part.amount
        FROM entry
        JOIN done ON done.y = entry.payment_id
       CROSS JOIN LATERAL (VALUES (0, done.k -> 0, done.m), (1, done.k -> 1, -done.net), (2, done.k -> 2, -done.fee)) AS part(n, account, amount)
       WHERE part.n = 0 OR part.amount <> 0
    ), posting AS (
      INSERT INTO ledger_postings (entry_id, account_code, currency, amount)
      SELECT entry_id, account ->> 'a', account ->> 'c', amount FROM leg ORDER BY entry_id, n
    )
    SELECT (SELECT coalesce(array_agg(i), '{}') FROM done),
           (SELECT count(*) FROM entry),
           (SELECT jsonb_agg(jsonb_build_object('a', a, 'c', c, 's', s, 'n', n, 'b', b, 'm', m::text))
              FROM (SELECT account ->> 'a' AS a, account ->> 'c' AS c, account ->> 's' AS s, (account ->> 'n')::boolean AS n,
                           (account ->> 'b')::smallint AS b, sum(amount) AS m
                      FROM leg GROUP BY 1, 2, 3, 4, 5) AS total)
      INTO v_recorded, v_entries, v_deltas;

    IF v_entries <> cardinality(v_recorded) THEN
      RAISE EXCEPTION 'a payment''s ledger entry key is in use already' USING ERRCODE = 'PYW01';
    END IF;

    -- The balances, as ledger_post moves them: account by account in code order; a hot account's
    -- bucket one no other transaction holds (an advisory lock), else the random one.
    FOR r IN
      SELECT t.a AS code, t.c AS currency, t.s AS side, t.n AS allow_negative, t.b AS buckets, t.m AS raw
        FROM jsonb_to_recordset(coalesce(v_deltas, '[]')) AS t(a text, c text, s text, n boolean, b smallint, m bigint)
       ORDER BY t.a
    LOOP
      v_bucket := 0;
      IF r.buckets > 1 THEN
        v_start := floor(random() * r.buckets)::int;
        v_bucket := v_start;
        FOR j IN 0 .. r.buckets - 1 LOOP
          IF pg_try_advisory_xact_lock(hashtext(r.code), (v_start + j) % r.buckets) THEN
            v_bucket := (v_start + j) % r.buckets;
            EXIT;
          END IF;
        END LOOP;
      END IF;
      UPDATE ledger_balances b
         SET balance = b.balance + CASE WHEN r.side = 'debit' THEN r.raw ELSE -r.raw END
       WHERE b.account_code = r.code AND b.bucket = v_bucket
      RETURNING b.balance INTO v_balance;
      IF NOT FOUND THEN
        INSERT INTO ledger_accounts (code, currency, normal_side, allow_negative, buckets)
        VALUES (r.code, r.currency, r.side, r.allow_negative, r.buckets)
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO ledger_balances (account_code, bucket, balance)
        SELECT r.code, g, 0 FROM generate_series(0, r.buckets - 1) AS g
        ON CONFLICT DO NOTHING;
        UPDATE ledger_balances b
           SET balance = b.balance + CASE WHEN r.side = 'debit' THEN r.raw ELSE -r.raw END
         WHERE b.account_code = r.code AND b.bucket = v_bucket
        RETURNING b.balance INTO v_balance;
      END IF;
      IF v_balance < 0 AND NOT r.allow_negative THEN
        RAISE EXCEPTION 'ledger account % would go negative (%)', r.code, v_balance
          USING ERRCODE = 'PY402', DETAIL = r.code;
      END IF;
    END LOOP;

    -- A declined event leaves nothing: not even its event row.
    IF cardinality(v_recorded) < cardinality(v_new) THEN
      DELETE FROM webhook_events w WHERE w.id = ANY (v_new) AND NOT (w.id = ANY (v_recorded));
    END IF;
  END IF;

  RETURN QUERY
    SELECT x.i, CASE WHEN x.i = ANY (v_recorded) THEN 'recorded' WHEN x.i = ANY (v_duplicate) THEN 'duplicate' ELSE 'declined' END
      FROM jsonb_to_recordset(p_events) AS x(i text);
END;
$$;
