-- webhook_record_payment: the whole happy path of a payment webhook in one statement, so that
-- the receipt of a `payment_intent.succeeded` is one round trip and one (autocommit)
-- transaction instead of six (docs/webhooks.md "The one-statement path"). It does what
-- ingestWebhookEvent + recordPayment do on that path, in the same order, with the same rows:
--
--   1. the event row, stored `completed` — or, when its id is there already, `duplicates + 1`
--      and nothing else (returns false);
--   2. the creator (fee and holding period: theirs, else the defaults passed in);
--   3. the payment, HELD, with fee = round_half_up(amount × bps / 10000) and its release date;
--   4. its ledger entry through ledger_post (idempotency key, content hash, overdraft checks);
--   5. the audit event and the creator's `payment.received` outbox message.
--
-- Anything off the happy path raises SQLSTATE PYW01 ("take the general path") and, being one
-- statement, leaves nothing behind: no such creator, a payment already recorded for this external
-- id or booking. The caller then runs the general path (a transaction, the handler in Node), which
-- decides what the event becomes (failed, completed with the existing payment, …). A refusal by
-- ledger_post aborts the statement the same way.
--
-- Three statements besides ledger_post (each costs an executor start in plpgsql): the event row;
-- creator + payment + audit event + outbox message as data-modifying CTEs; the ledger entry.
--
-- p_accounts: the entry's three accounts as ledger_post takes them, without amounts, in the order
-- cash (stripe_balance), creator held, fees: [{"a": code, "c": currency, "s": side, "n": may go
-- negative, "b": buckets}, …] (built by src/ledger/accounts.ts in Node, which also checks that
-- their codes sort held < fees < cash: the order of validateEntry's content hash, rebuilt here).
CREATE FUNCTION webhook_record_payment(
  p_event_id text,
  p_event_type text,
  p_event_account text,
  p_event_payload jsonb,
  p_now timestamptz,
  p_payment_id text,
  p_creator_id text,
  p_booking_id text,
  p_external_id text,
  p_payment_intent_id text,
  p_charge_id text,
  p_checkout_session_id text,
  p_amount bigint,
  p_currency text,
  p_paid_at timestamptz,
  p_customer_email text,
  p_metadata jsonb,
  p_actor text,
  p_default_fee_bps integer,
  p_default_holding_hours integer,
  p_accounts jsonb
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_inserted boolean;
  v_fee bigint;
  v_creator_amount bigint;
  v_postings jsonb;
BEGIN
  INSERT INTO webhook_events AS w (id, type, account, status, attempts, payload, received_at, processed_at)
  VALUES (p_event_id, p_event_type, p_event_account, 'completed', 1, p_event_payload, p_now, p_now)
  ON CONFLICT (id) DO UPDATE SET duplicates = w.duplicates + 1
  RETURNING (w.xmax = 0) INTO v_inserted;
  IF NOT v_inserted THEN
    RETURN false;
  END IF;

  -- Fee (splitFee: (amount × bps + 5000) / 10000, truncated; numeric, so no overflow) and release
  -- date (payoutReleaseDate: paid time + the holding period in hours, an exact duration). No row
  -- when there is no such creator; no payment row when one exists for this external id or booking.
  WITH creator AS (
    SELECT c.user_id, split.fee, p_amount - split.fee AS creator_amount,
           p_paid_at + coalesce(c.holding_period_hours, p_default_holding_hours) * interval '1 hour' AS release
      FROM creators c
     CROSS JOIN LATERAL (SELECT coalesce(c.fee_bps, p_default_fee_bps) AS bps) fee
     CROSS JOIN LATERAL (SELECT div(p_amount::numeric * fee.bps + 5000, 10000)::bigint AS fee) split
     WHERE c.id = p_creator_id AND p_amount > 0 AND fee.bps BETWEEN 0 AND 10000
  ), payment AS (
    INSERT INTO payments (id, creator_id, booking_id, external_id, stripe_payment_intent_id, stripe_charge_id,
                          stripe_checkout_session_id, amount, currency, fee_amount, creator_amount, status,
                          transferred_at_source, customer_email, paid_at, payout_release_date, metadata,
                          created_at, updated_at)
    SELECT p_payment_id, p_creator_id, p_booking_id, p_external_id, p_payment_intent_id, p_charge_id,
           p_checkout_session_id, p_amount, p_currency, creator.fee, creator.creator_amount, 'HELD',
           false, p_customer_email, p_paid_at, creator.release, p_metadata, p_now, p_now
      FROM creator
    ON CONFLICT DO NOTHING
    RETURNING fee_amount, creator_amount, payout_release_date
  ), audit AS (
    INSERT INTO audit_events (actor, action, subject_type, subject_id, from_status, to_status, amount, currency, reason, metadata, created_at)
    SELECT p_actor, 'payment.recorded', 'payment', p_payment_id, NULL, 'HELD', p_amount, p_currency, NULL,
           jsonb_build_object('externalId', p_external_id, 'feeAmount', payment.fee_amount::text, 'creatorAmount', payment.creator_amount::text),
           p_now
      FROM payment
  ), notification AS (
    INSERT INTO outbox_messages (topic, recipient, payload, dedupe_key, created_at, next_attempt_at)
    SELECT 'payment.received', 'user:' || creator.user_id,
           jsonb_build_object('paymentId', p_payment_id, 'bookingId', p_booking_id, 'amount', p_amount::text,
                              'creatorAmount', payment.creator_amount::text, 'currency', p_currency,
                              'payoutReleaseDate', to_char(payment.payout_release_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           'payment.received:' || p_payment_id, p_now, p_now
      FROM payment, creator
    ON CONFLICT (dedupe_key) DO NOTHING
  )
  SELECT payment.fee_amount, payment.creator_amount INTO v_fee, v_creator_amount FROM payment;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no creator %, or payment % recorded already', p_creator_id, p_external_id USING ERRCODE = 'PYW01';
  END IF;

  -- The entry recordPayment posts: cash debit; creator held and fees credit (each only when > 0).
  v_postings := jsonb_build_array(p_accounts -> 0 || jsonb_build_object('m', p_amount::text))
    || CASE WHEN v_creator_amount > 0 THEN jsonb_build_array(p_accounts -> 1 || jsonb_build_object('m', (-v_creator_amount)::text)) ELSE '[]'::jsonb END
    || CASE WHEN v_fee > 0 THEN jsonb_build_array(p_accounts -> 2 || jsonb_build_object('m', (-v_fee)::text)) ELSE '[]'::jsonb END;

  -- validateEntry's content hash: sha256 of JSON.stringify([kind, [[code, amount], …] sorted]).
  PERFORM * FROM ledger_post(
    'payment:' || p_payment_id || ':received',
    'payment.received',
    encode(sha256(convert_to('["payment.received",[' || concat_ws(',',
      CASE WHEN v_creator_amount > 0 THEN '[' || to_json(p_accounts -> 1 ->> 'a')::text || ',"' || (-v_creator_amount)::text || '"]' END,
      CASE WHEN v_fee > 0 THEN '[' || to_json(p_accounts -> 2 ->> 'a')::text || ',"' || (-v_fee)::text || '"]' END,
      '[' || to_json(p_accounts -> 0 ->> 'a')::text || ',"' || p_amount::text || '"]') || ']]', 'UTF8')), 'hex'),
    'Payment ' || p_external_id || CASE WHEN p_booking_id <> '' THEN ' for booking ' || p_booking_id ELSE '' END,
    jsonb_build_object('paymentId', p_payment_id),
    p_paid_at,
    v_postings);
  RETURN true;
END;
$$;
