-- Trigram indexes answer "address or name contains ..." without reading the whole table.
-- pg_trgm is a trusted extension: the database owner may create it on an external server too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Account_address_trgm_idx" ON "Account" USING GIN ("address" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Account_displayName_trgm_idx" ON "Account" USING GIN ("displayName" gin_trgm_ops);
