-- ledger_post_batch, same contract as in 0003, taking its row locks in one order with ledger_post.
-- 0003 created every new account's balance rows first and then locked the existing ones in code
-- order. A ledger_post in another transaction, holding an existing account that sorts before a new
-- one, then waited for the new one's uncommitted row while the batch waited for the account it
-- held: a deadlock, seen by the simulation (docs/simulation.md, "Findings"). Now, when some account
-- of the batch is new, the accounts are created and locked one by one in code order, as ledger_post
-- does; when all exist (nearly always: an account is new once), they are locked in one statement.
CREATE OR REPLACE FUNCTION ledger_post_batch(p_entries jsonb) RETURNS TABLE (entry_key text, entry_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_conflict text;
  v_negative text;
  r record;
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

  -- One bucket per account for the whole batch.
  CREATE TEMP TABLE IF NOT EXISTS ledger_batch_deltas (a text, c text, s text, b smallint, bucket smallint, delta bigint, n boolean) ON COMMIT DROP;
  TRUNCATE ledger_batch_deltas;
  INSERT INTO ledger_batch_deltas
  SELECT a, min(c), min(s), b, CASE WHEN b > 1 THEN floor(random() * b)::smallint ELSE 0 END, sum(CASE WHEN s = 'debit' THEN m ELSE -m END), bool_and(n)
  FROM ledger_batch_postings GROUP BY a, b;

  IF EXISTS (SELECT 1 FROM ledger_batch_deltas d WHERE NOT EXISTS (SELECT 1 FROM ledger_balances lb WHERE lb.account_code = d.a AND lb.bucket = d.bucket)) THEN
    -- Some account is new: account by account in code order, create it if need be, then lock its row.
    FOR r IN SELECT * FROM ledger_batch_deltas ORDER BY a LOOP
      IF NOT EXISTS (SELECT 1 FROM ledger_balances lb WHERE lb.account_code = r.a AND lb.bucket = r.bucket) THEN
        INSERT INTO ledger_accounts (code, currency, normal_side, allow_negative, buckets)
        VALUES (r.a, r.c, r.s, r.n, r.b)
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO ledger_balances (account_code, bucket, balance)
        SELECT r.a, g, 0 FROM generate_series(0, r.b - 1) AS g
        ON CONFLICT DO NOTHING;
      END IF;
      PERFORM 1 FROM ledger_balances lb WHERE lb.account_code = r.a AND lb.bucket = r.bucket FOR UPDATE;
    END LOOP;
  ELSE
    PERFORM 1 FROM ledger_balances lb JOIN ledger_batch_deltas d ON d.a = lb.account_code AND d.bucket = lb.bucket
    ORDER BY lb.account_code, lb.bucket FOR UPDATE OF lb;
  END IF;

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
