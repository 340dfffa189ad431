-- The one bound for amounts and balances (docs/security.md "Amounts and balances";
-- MAX_AMOUNT_MINOR in src/domain/money/money.ts): what the platform owes a creator and has paid
-- them in one currency — held + available + reserved + frozen + paid — stays at most
-- 999 999 999 999 999 minor units, so each of these balances, and the five added up, is an exact
-- JSON number. Money only enters them through a payment, which credits `held`; every other entry
-- moves money among them or out. So the sum is checked whenever a creator's `held` grows, by
-- every writer of balances (ledger_post, ledger_post_batch, webhook_record_payment[s]), at the
-- end of the UPDATE that grows it: the statement fails with SQLSTATE PY413 (the service's
-- BALANCE_LIMIT_EXCEEDED, 422) and its transaction writes nothing. Entries update balances in
-- account-code order, so when money comes back to `held` from `frozen` (a dispute won), `frozen`
-- has already given it up and the sum does not move.
CREATE OR REPLACE FUNCTION ledger_creator_total_within_bound() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  -- creator:<id>:held:<ccy> → creator:<id> and <ccy> (ids have no ':', currencies 3 letters).
  v_owner text := left(NEW.account_code, length(NEW.account_code) - length(':held:xxx'));
  v_currency text := right(NEW.account_code, 3);
  v_total numeric;
BEGIN
  SELECT coalesce(sum(b.balance), 0) INTO v_total
    FROM ledger_balances b
   WHERE b.account_code IN (v_owner || ':held:' || v_currency, v_owner || ':available:' || v_currency,
                            v_owner || ':reserved:' || v_currency, v_owner || ':frozen:' || v_currency,
                            v_owner || ':paid:' || v_currency);
  IF v_total > 999999999999999 THEN
    RAISE EXCEPTION '% would be owed and paid % minor units of %, more than 999999999999999', v_owner, v_total, v_currency
      USING ERRCODE = 'PY413', DETAIL = NEW.account_code;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_creator_total_within_bound
  AFTER UPDATE OF balance ON ledger_balances
  FOR EACH ROW
  WHEN (NEW.balance > OLD.balance AND NEW.account_code LIKE 'creator:%:held:%')
  EXECUTE FUNCTION ledger_creator_total_within_bound();
