-- Single-instance storage: MessageBlob."refCount" counts the mailbox messages, outbound
-- messages and quarantine entries that hold a blob. Statement-level triggers keep it exact
-- whatever deletes the rows (engine code, an account deleted with its folders by cascade, an
-- admin action), at one UPDATE per statement and blob, however many rows (50 recipients of
-- one message cost one update). A row's "blobId" never changes. The storage sweeper frees
-- blobs whose count is zero.
--
-- The update is one primary-key lookup per blob. A single UPDATE ... FROM joining the
-- transition table is planned once per connection and kept until the next ANALYZE: planned
-- for a batch of a few blobs while the blob table was still small (a new installation, the
-- first minute of the benchmark), it became a hash join that read the whole table on every
-- later delivery.
--
-- Blobs are locked in id order, so two statements touching the same blobs wait for each other
-- instead of deadlocking.
CREATE OR REPLACE FUNCTION schoolmail_blob_refs_added() RETURNS trigger AS $$
DECLARE
  added record;
BEGIN
  FOR added IN SELECT "blobId", count(*)::int AS n FROM new_rows GROUP BY "blobId" ORDER BY "blobId" LOOP
    UPDATE "MessageBlob" SET "refCount" = "refCount" + added.n WHERE "id" = added."blobId";
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION schoolmail_blob_refs_removed() RETURNS trigger AS $$
DECLARE
  removed record;
BEGIN
  FOR removed IN SELECT "blobId", count(*)::int AS n FROM old_rows GROUP BY "blobId" ORDER BY "blobId" LOOP
    UPDATE "MessageBlob" SET "refCount" = "refCount" - removed.n WHERE "id" = removed."blobId";
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "MailboxMessage_blob_refs_added" ON "MailboxMessage";
CREATE TRIGGER "MailboxMessage_blob_refs_added" AFTER INSERT ON "MailboxMessage"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_added();
DROP TRIGGER IF EXISTS "MailboxMessage_blob_refs_removed" ON "MailboxMessage";
CREATE TRIGGER "MailboxMessage_blob_refs_removed" AFTER DELETE ON "MailboxMessage"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_removed();
DROP TRIGGER IF EXISTS "OutboundMessage_blob_refs_added" ON "OutboundMessage";
CREATE TRIGGER "OutboundMessage_blob_refs_added" AFTER INSERT ON "OutboundMessage"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_added();
DROP TRIGGER IF EXISTS "OutboundMessage_blob_refs_removed" ON "OutboundMessage";
CREATE TRIGGER "OutboundMessage_blob_refs_removed" AFTER DELETE ON "OutboundMessage"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_removed();
DROP TRIGGER IF EXISTS "QuarantineEntry_blob_refs_added" ON "QuarantineEntry";
CREATE TRIGGER "QuarantineEntry_blob_refs_added" AFTER INSERT ON "QuarantineEntry"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_added();
DROP TRIGGER IF EXISTS "QuarantineEntry_blob_refs_removed" ON "QuarantineEntry";
CREATE TRIGGER "QuarantineEntry_blob_refs_removed" AFTER DELETE ON "QuarantineEntry"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_blob_refs_removed();
