-- A guard for single statements that must change everything or nothing: the fast lane of the
-- SMTP group commit (libs/mail-engine/src/smtp/local-commit.ts) runs as ONE autocommit
-- statement and ends with this call, so a batch the statement cannot finish alone aborts the
-- statement (its own transaction) and is handed back to the general path untouched. The
-- SQLSTATE is the caller's signal that nothing was written and nothing else went wrong.
CREATE OR REPLACE FUNCTION schoolmail_hand_back_unless(complete boolean) RETURNS boolean AS $$
BEGIN
  IF complete IS NOT TRUE THEN
    RAISE EXCEPTION 'batch handed back to the general path' USING ERRCODE = 'SM001';
  END IF;
  RETURN true;
END;
$$ LANGUAGE plpgsql VOLATILE;
