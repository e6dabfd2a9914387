-- Change notifications for the engine's caches and IMAP IDLE (libs/mail-engine/src/notify/).
-- NOTIFY is delivered only when the transaction commits, to every process that LISTENs, so a
-- listener never sees a change that was rolled back nor one before it is visible.
-- Payloads are comma-separated ids (at most 500 per notification, well under PostgreSQL's
-- 8,000-byte limit) or 'all'. Identical payloads in one transaction are sent once.

CREATE OR REPLACE FUNCTION schoolmail_notify_ids(channel text, ids bigint[]) RETURNS void AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(id::text, ',' ORDER BY id)
    FROM (SELECT DISTINCT id, dense_rank() OVER (ORDER BY id) AS rank FROM unnest(ids) AS t(id) WHERE id IS NOT NULL) d
    GROUP BY (rank - 1) / 500
  LOOP
    PERFORM pg_notify(channel, chunk);
  END LOOP;
END;
$$ LANGUAGE plpgsql;

-- Settings (channel schoolmail_settings): what the effective-settings resolver reads for an
-- account. Account rows are updated on every delivery (quota) and login (lastLoginAt), so
-- their trigger fires only for the columns the resolver or a login depends on.
CREATE OR REPLACE FUNCTION schoolmail_account_settings_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('schoolmail_settings', COALESCE(NEW.id, OLD.id)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "Account_settings_changed" ON "Account";
CREATE TRIGGER "Account_settings_changed"
  AFTER UPDATE OF "status", "classOfServiceId", "passwordHash", "address", "domainId" ON "Account"
  FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."classOfServiceId" IS DISTINCT FROM NEW."classOfServiceId"
    OR OLD."passwordHash" IS DISTINCT FROM NEW."passwordHash" OR OLD."address" IS DISTINCT FROM NEW."address"
    OR OLD."domainId" IS DISTINCT FROM NEW."domainId")
  EXECUTE FUNCTION schoolmail_account_settings_changed();
DROP TRIGGER IF EXISTS "Account_settings_deleted" ON "Account";
CREATE TRIGGER "Account_settings_deleted" AFTER DELETE ON "Account"
  FOR EACH ROW EXECUTE FUNCTION schoolmail_account_settings_changed();

-- A toggle on an account concerns that account; one on a domain, its whole subtree ('all':
-- toggles change rarely, and reloading what is cached is cheaper than finding the subtree).
CREATE OR REPLACE FUNCTION schoolmail_toggle_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."accountId" IS NULL THEN
    PERFORM pg_notify('schoolmail_settings', 'all');
  ELSIF TG_OP <> 'DELETE' AND NEW."accountId" IS NULL THEN
    PERFORM pg_notify('schoolmail_settings', 'all');
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('schoolmail_settings', OLD."accountId"::text); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('schoolmail_settings', NEW."accountId"::text); END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "ServiceToggle_changed" ON "ServiceToggle";
CREATE TRIGGER "ServiceToggle_changed" AFTER INSERT OR UPDATE OR DELETE ON "ServiceToggle"
  FOR EACH ROW EXECUTE FUNCTION schoolmail_toggle_changed();

CREATE OR REPLACE FUNCTION schoolmail_all_settings_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('schoolmail_settings', 'all');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "Domain_settings_changed" ON "Domain";
CREATE TRIGGER "Domain_settings_changed"
  AFTER UPDATE OF "status", "classOfServiceId", "parentId", "path", "name" ON "Domain"
  FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."classOfServiceId" IS DISTINCT FROM NEW."classOfServiceId"
    OR OLD."parentId" IS DISTINCT FROM NEW."parentId" OR OLD."path" IS DISTINCT FROM NEW."path" OR OLD."name" IS DISTINCT FROM NEW."name")
  EXECUTE FUNCTION schoolmail_all_settings_changed();

DROP TRIGGER IF EXISTS "ClassOfService_settings_changed" ON "ClassOfService";
CREATE TRIGGER "ClassOfService_settings_changed" AFTER UPDATE OR DELETE ON "ClassOfService"
  FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_all_settings_changed();

-- Word lists are part of the effective settings too (which lists apply, not their entries).
DROP TRIGGER IF EXISTS "WordList_settings_changed" ON "WordList";
CREATE TRIGGER "WordList_settings_changed" AFTER INSERT OR UPDATE OR DELETE ON "WordList"
  FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_all_settings_changed();

-- Mailbox folders (channel schoolmail_folders): the ids of the folders whose messages or
-- state a statement changed, once per statement however many rows (a delivery to 50
-- mailboxes is one statement). A moved message names both its old and its new folder.
CREATE OR REPLACE FUNCTION schoolmail_folders_inserted() RETURNS trigger AS $$
BEGIN
  PERFORM schoolmail_notify_ids('schoolmail_folders', ARRAY(SELECT DISTINCT "folderId"::bigint FROM new_rows));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION schoolmail_folders_updated() RETURNS trigger AS $$
BEGIN
  PERFORM schoolmail_notify_ids('schoolmail_folders',
    ARRAY(SELECT "folderId"::bigint FROM new_rows UNION SELECT "folderId"::bigint FROM old_rows));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION schoolmail_folders_deleted() RETURNS trigger AS $$
BEGIN
  PERFORM schoolmail_notify_ids('schoolmail_folders', ARRAY(SELECT DISTINCT "folderId"::bigint FROM old_rows));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "MailboxMessage_folders_inserted" ON "MailboxMessage";
CREATE TRIGGER "MailboxMessage_folders_inserted" AFTER INSERT ON "MailboxMessage"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folders_inserted();
DROP TRIGGER IF EXISTS "MailboxMessage_folders_updated" ON "MailboxMessage";
CREATE TRIGGER "MailboxMessage_folders_updated" AFTER UPDATE ON "MailboxMessage"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folders_updated();
DROP TRIGGER IF EXISTS "MailboxMessage_folders_deleted" ON "MailboxMessage";
CREATE TRIGGER "MailboxMessage_folders_deleted" AFTER DELETE ON "MailboxMessage"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folders_deleted();

-- A folder's own rows: "id" instead of "folderId".
CREATE OR REPLACE FUNCTION schoolmail_folder_rows_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM schoolmail_notify_ids('schoolmail_folders', ARRAY(SELECT "id"::bigint FROM old_rows));
  ELSE
    PERFORM schoolmail_notify_ids('schoolmail_folders', ARRAY(SELECT "id"::bigint FROM new_rows));
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS "MailboxFolder_inserted" ON "MailboxFolder";
CREATE TRIGGER "MailboxFolder_inserted" AFTER INSERT ON "MailboxFolder"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folder_rows_changed();
DROP TRIGGER IF EXISTS "MailboxFolder_updated" ON "MailboxFolder";
CREATE TRIGGER "MailboxFolder_updated" AFTER UPDATE ON "MailboxFolder"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folder_rows_changed();
DROP TRIGGER IF EXISTS "MailboxFolder_deleted" ON "MailboxFolder";
CREATE TRIGGER "MailboxFolder_deleted" AFTER DELETE ON "MailboxFolder"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION schoolmail_folder_rows_changed();
