-- Single-instance storage: MessageBlob."refCount" counts the mailbox messages, outbound
-- messages and quarantine entries that hold a blob. Statement-level triggers keep it exact
-- whatever deletes the rows (engine code, an account deleted with its folders by cascade, an
-- admin action), at one UPDATE per statement and blob, however many rows (50 recipients of
-- one message cost one update). A row's "blobId" never changes. The storage sweeper frees
-- blobs whose count is zero.
CREATE OR REPLACE FUNCTION schoolmail_blob_refs_added() RETURNS trigger AS $$
BEGIN
  UPDATE "MessageBlob" b SET "refCount" = b."refCount" + n.count
  FROM (SELECT "blobId", count(*) AS count FROM new_rows GROUP BY "blobId") n
  WHERE b.id = n."blobId";
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION schoolmail_blob_refs_removed() RETURNS trigger AS $$
BEGIN
  UPDATE "MessageBlob" b SET "refCount" = b."refCount" - o.count
  FROM (SELECT "blobId", count(*) AS count FROM old_rows GROUP BY "blobId") o
  WHERE b.id = o."blobId";
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
