-- ledger_post_batch: many entries in one call, set-based, for sweeps that move thousands of
-- payments at once (release of holds, scheduled payouts). Same contract as ledger_post, entry
-- by entry: idempotent on the key (same hash: skipped; other hash: PY409), accounts created on
-- first use, balance rows locked in code order, PY402 when an account that may not go negative
-- would. p_entries: [{k: key, t: kind, h: hash, d: description, m: metadata, e: effective_at,
-- p: [{a, c, s, n, b, m}]}]. Returns the ids of the entries written (not the skipped duplicates).
CREATE FUNCTION ledger_post_batch(p_entries jsonb) RETURNS TABLE (entry_key text, entry_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_conflict text;
  v_negative text;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS ledger_batch_new (key text PRIMARY KEY, id bigint) ON COMMIT DROP;
  TRUNCATE ledger_batch_new;

  WITH inserted AS (
    INSERT INTO ledger_entries (idempotency_key, kind, content_hash, description, metadata, effective_at)
    SELECT x.k, x.t, x.h, x.d, coalesce(x.m, '{}'::jsonb), x.e
    FROM jsonb_to_recordset(p_entries) AS x(k text, t text, h text, d text, m jsonb, e timestamptz)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING idempotency_key, id
  )
  INSERT INTO ledger_batch_new SELECT idempotency_key, id FROM inserted;

  SELECT x.k INTO v_conflict
  FROM jsonb_to_recordset(p_entries) AS x(k text, h text)
  JOIN ledger_entries e ON e.idempotency_key = x.k
  WHERE e.content_hash <> x.h
  LIMIT 1;
  IF v_conflict IS NOT NULL THEN
    RAISE EXCEPTION 'ledger entry key % was already used for different postings', v_conflict USING ERRCODE = 'PY409', DETAIL = v_conflict;
  END IF;

  CREATE TEMP TABLE IF NOT EXISTS ledger_batch_postings (entry_id bigint, a text, c text, s text, n boolean, b smallint, m bigint) ON COMMIT DROP;
  TRUNCATE ledger_batch_postings;
  INSERT INTO ledger_batch_postings
  SELECT nb.id, p.a, p.c, p.s, p.n, p.b, p.m
  FROM jsonb_to_recordset(p_entries) AS x(k text, p jsonb)
  JOIN ledger_batch_new nb ON nb.key = x.k
  CROSS JOIN LATERAL jsonb_to_recordset(x.p) AS p(a text, c text, s text, n boolean, b smallint, m bigint);

  INSERT INTO ledger_accounts (code, currency, normal_side, allow_negative, buckets)
  SELECT DISTINCT a, c, s, n, b FROM ledger_batch_postings
  ON CONFLICT (code) DO NOTHING;
  INSERT INTO ledger_balances (account_code, bucket, balance)
  SELECT DISTINCT a, g, 0 FROM ledger_batch_postings CROSS JOIN LATERAL generate_series(0, b - 1) AS g
  ON CONFLICT DO NOTHING;

  -- One bucket per account for the whole batch; lock the rows in code order, then update.
  CREATE TEMP TABLE IF NOT EXISTS ledger_batch_deltas (a text, bucket smallint, delta bigint, n boolean) ON COMMIT DROP;
  TRUNCATE ledger_batch_deltas;
  INSERT INTO ledger_batch_deltas
  SELECT a, CASE WHEN b > 1 THEN floor(random() * b)::smallint ELSE 0 END, sum(CASE WHEN s = 'debit' THEN m ELSE -m END), bool_and(n)
  FROM ledger_batch_postings GROUP BY a, b;

  PERFORM 1 FROM ledger_balances lb JOIN ledger_batch_deltas d ON d.a = lb.account_code AND d.bucket = lb.bucket
  ORDER BY lb.account_code, lb.bucket FOR UPDATE OF lb;

  UPDATE ledger_balances lb SET balance = lb.balance + d.delta
  FROM ledger_batch_deltas d WHERE d.a = lb.account_code AND d.bucket = lb.bucket AND d.delta <> 0;

  SELECT lb.account_code INTO v_negative
  FROM ledger_balances lb JOIN ledger_batch_deltas d ON d.a = lb.account_code AND d.bucket = lb.bucket
  WHERE NOT d.n AND lb.balance < 0 LIMIT 1;
  IF v_negative IS NOT NULL THEN
    RAISE EXCEPTION 'ledger account % would go negative', v_negative USING ERRCODE = 'PY402', DETAIL = v_negative;
  END IF;

  INSERT INTO ledger_postings (entry_id, account_code, currency, amount)
  SELECT entry_id, a, c, m FROM ledger_batch_postings;

  RETURN QUERY SELECT key, id FROM ledger_batch_new;
END;
$$;
