-- CreateIndex
CREATE INDEX "Domain_classOfServiceId_idx" ON "Domain"("classOfServiceId");

-- CreateIndex
CREATE INDEX "Account_classOfServiceId_idx" ON "Account"("classOfServiceId");

-- CreateIndex
CREATE INDEX "ClassOfService_domainId_idx" ON "ClassOfService"("domainId");

-- CreateIndex
CREATE INDEX "Admin_createdById_idx" ON "Admin"("createdById");

-- CreateIndex
CREATE INDEX "RoleAssignment_domainId_idx" ON "RoleAssignment"("domainId");

-- CreateIndex
CREATE INDEX "RoleAssignment_grantedById_idx" ON "RoleAssignment"("grantedById");

-- CreateIndex
CREATE INDEX "RoleAssignment_permissionSetId_idx" ON "RoleAssignment"("permissionSetId");

-- CreateIndex
CREATE INDEX "PermissionSet_domainId_idx" ON "PermissionSet"("domainId");

-- CreateIndex
CREATE INDEX "ApiKey_createdById_idx" ON "ApiKey"("createdById");

-- CreateIndex
CREATE INDEX "ApiKey_domainId_idx" ON "ApiKey"("domainId");

-- CreateIndex
CREATE INDEX "ApiKey_permissionSetId_idx" ON "ApiKey"("permissionSetId");

-- CreateIndex
CREATE INDEX "Session_accountId_idx" ON "Session"("accountId");

-- CreateIndex
CREATE INDEX "Session_adminId_idx" ON "Session"("adminId");

-- CreateIndex
CREATE INDEX "StorageUsageDelta_storageUnitId_idx" ON "StorageUsageDelta"("storageUnitId");

-- CreateIndex
CREATE INDEX "OutboundMessage_blobId_idx" ON "OutboundMessage"("blobId");

-- CreateIndex
CREATE INDEX "QueueEntry_messageId_remoteDomain_idx" ON "QueueEntry"("messageId", "remoteDomain");

-- CreateIndex
CREATE INDEX "QuarantineEntry_blobId_idx" ON "QuarantineEntry"("blobId");

-- CreateIndex
CREATE INDEX "AcceptancePolicy_accountId_idx" ON "AcceptancePolicy"("accountId");

-- CreateIndex
CREATE INDEX "AcceptancePolicy_domainId_idx" ON "AcceptancePolicy"("domainId");

-- CreateIndex
CREATE INDEX "AcceptancePolicy_groupId_idx" ON "AcceptancePolicy"("groupId");

-- CreateIndex
CREATE INDEX "SendAsGrant_address_idx" ON "SendAsGrant"("address");

-- CreateIndex
CREATE INDEX "Webhook_domainId_idx" ON "Webhook"("domainId");
