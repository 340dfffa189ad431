-- ledger_post, same contract as in 0001, with one change: the bucket of a hot account is one
-- no other writer holds (bench/README.md: with 8 writers, random buckets spent half the time
-- waiting on each other's row locks).
CREATE OR REPLACE FUNCTION ledger_post(
  p_key text,
  p_kind text,
  p_hash text,
  p_description text,
  p_metadata jsonb,
  p_effective_at timestamptz,
  p_postings jsonb
) RETURNS TABLE (entry_id bigint, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_hash text;
  v_bucket smallint;
  v_balance bigint;
  v_start int;
  r record;
BEGIN
  INSERT INTO ledger_entries (idempotency_key, kind, content_hash, description, metadata, effective_at)
  VALUES (p_key, p_kind, p_hash, p_description, p_metadata, p_effective_at)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING id INTO v_id;

  IF v_id IS NULL THEN
    SELECT e.id, e.content_hash INTO v_id, v_hash FROM ledger_entries e WHERE e.idempotency_key = p_key;
    IF v_hash <> p_hash THEN
      RAISE EXCEPTION 'ledger entry key % was already used for different postings', p_key
        USING ERRCODE = 'PY409', DETAIL = p_key;
    END IF;
    RETURN QUERY SELECT v_id, true;
    RETURN;
  END IF;

  FOR r IN
    SELECT t.a AS code, t.c AS currency, t.s AS side, t.n AS allow_negative, t.b AS buckets, sum(t.m)::bigint AS raw
    FROM jsonb_to_recordset(p_postings) AS t(a text, c text, s text, n boolean, b smallint, m bigint)
    GROUP BY t.a, t.c, t.s, t.n, t.b
    ORDER BY t.a
  LOOP
    -- Claim a bucket no other transaction is writing: a transaction-scoped advisory lock (in
    -- memory, no WAL, no row lock), tried on each bucket once from a random start; when all are
    -- taken, queue on the random one. Every writer of balances goes through these functions, so
    -- a claimed bucket's row is free; a hash collision between two accounts only costs a retry.
    v_bucket := 0;
    IF r.buckets > 1 THEN
      v_start := floor(random() * r.buckets)::int;
      v_bucket := v_start;
      FOR k IN 0 .. r.buckets - 1 LOOP
        IF pg_try_advisory_xact_lock(hashtext(r.code), (v_start + k) % r.buckets) THEN
          v_bucket := (v_start + k) % r.buckets;
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

  INSERT INTO ledger_postings (entry_id, account_code, currency, amount)
  SELECT v_id, t.a, t.c, t.m
  FROM jsonb_to_recordset(p_postings) AS t(a text, c text, m bigint);

  RETURN QUERY SELECT v_id, false;
END;
$$;
