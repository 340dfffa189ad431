-- ledger_post: the write half of `post()` in src/ledger/post-entry.ts, in one round trip.
-- The caller has already checked the entry's shape (two or more postings, zero sum per
-- currency, account currencies). This function makes the write atomic and concurrent-safe:
--   * idempotent on the entry key: an existing key with the same content hash returns the
--     existing entry (duplicate = true); with another hash it raises PY409;
--   * creates accounts and their balance rows on first use;
--   * updates balances account by account in code order (one lock order for everybody, so
--     two entries can never deadlock), a random bucket for bucketed (hot) accounts;
--   * raises PY402 when an account that may not go negative would.
-- Any raise aborts the caller's transaction, so a refused entry changes nothing.
CREATE FUNCTION ledger_post(
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
    v_bucket := CASE WHEN r.buckets > 1 THEN floor(random() * r.buckets)::smallint ELSE 0 END;
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
--> statement-breakpoint
-- Entries and postings are append-only: corrections are new entries.
CREATE FUNCTION ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME USING ERRCODE = 'PY403';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
--> statement-breakpoint
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
