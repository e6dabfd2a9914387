-- CreateIndex
CREATE INDEX "Alias_targets_idx" ON "Alias" USING GIN ("targets");

-- CreateIndex
CREATE INDEX "MailingListMember_address_idx" ON "MailingListMember"("address");
