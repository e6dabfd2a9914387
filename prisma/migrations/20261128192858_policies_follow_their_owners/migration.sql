-- Rows whose owner was deleted before these constraints existed.
DELETE FROM "AcceptancePolicy" p WHERE (p."domainId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Domain" d WHERE d."id" = p."domainId"))
  OR (p."groupId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Group" g WHERE g."id" = p."groupId"))
  OR (p."accountId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."id" = p."accountId"));
DELETE FROM "SendAsGrant" s WHERE NOT EXISTS (SELECT 1 FROM "Account" a WHERE a."id" = s."accountId")
  OR NOT EXISTS (SELECT 1 FROM "Address" x WHERE x."address" = s."address");

-- AddForeignKey
ALTER TABLE "AcceptancePolicy" ADD CONSTRAINT "AcceptancePolicy_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcceptancePolicy" ADD CONSTRAINT "AcceptancePolicy_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AcceptancePolicy" ADD CONSTRAINT "AcceptancePolicy_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendAsGrant" ADD CONSTRAINT "SendAsGrant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SendAsGrant" ADD CONSTRAINT "SendAsGrant_address_fkey" FOREIGN KEY ("address") REFERENCES "Address"("address") ON DELETE CASCADE ON UPDATE CASCADE;
