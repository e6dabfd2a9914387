-- UIDVALIDITY for folders created by IMAP (CREATE, RENAME): strictly increasing across the
-- whole database and never below the current time in seconds + 1, so it is never equal to a
-- value given before, neither by this function nor by the time-based default folders
-- (mailbox/default-folders.ts) created up to now. A folder deleted and created again under
-- its old name therefore always gets a new UIDVALIDITY, even within the same second.
-- The advisory lock makes "read, compare, set" of the sequence one step across sessions.
CREATE SEQUENCE IF NOT EXISTS schoolmail_uid_validity_seq;

CREATE OR REPLACE FUNCTION schoolmail_next_uid_validity() RETURNS integer AS $$
DECLARE
  floor_value bigint := floor(extract(epoch FROM clock_timestamp()))::bigint + 1;
  next_value bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('schoolmail_uid_validity'));
  next_value := nextval('schoolmail_uid_validity_seq');
  IF next_value < floor_value THEN
    next_value := setval('schoolmail_uid_validity_seq', floor_value);
  END IF;
  RETURN next_value::integer;
END;
$$ LANGUAGE plpgsql;
