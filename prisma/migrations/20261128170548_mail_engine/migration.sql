-- CreateEnum
CREATE TYPE "StorageUnitState" AS ENUM ('active', 'read_only', 'draining');

-- CreateEnum
CREATE TYPE "BlobState" AS ENUM ('ok', 'corrupt');

-- CreateEnum
CREATE TYPE "QueueState" AS ENUM ('queued', 'deferred', 'held', 'delivering');

-- CreateEnum
CREATE TYPE "RemoteDomainState" AS ENUM ('active', 'held');

-- CreateEnum
CREATE TYPE "PolicyLevel" AS ENUM ('server', 'domain', 'group', 'account');

-- CreateTable
CREATE TABLE "StorageUnit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "directory" TEXT NOT NULL,
    "capacityBytes" BIGINT NOT NULL,
    "usedBytes" BIGINT NOT NULL DEFAULT 0,
    "state" "StorageUnitState" NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StorageUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StorageUnitDomain" (
    "storageUnitId" INTEGER NOT NULL,
    "domainId" INTEGER NOT NULL,

    CONSTRAINT "StorageUnitDomain_pkey" PRIMARY KEY ("storageUnitId","domainId")
);

-- CreateTable
CREATE TABLE "MessageBlob" (
    "id" BIGSERIAL NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "storageUnitId" INTEGER NOT NULL,
    "refCount" INTEGER NOT NULL DEFAULT 0,
    "state" "BlobState" NOT NULL DEFAULT 'ok',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageBlob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StorageProblem" (
    "id" SERIAL NOT NULL,
    "storageUnitId" INTEGER NOT NULL,
    "blobId" BIGINT,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "isolatedPath" TEXT,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "StorageProblem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailboxFolder" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "specialUse" TEXT,
    "uidValidity" INTEGER NOT NULL,
    "uidNext" INTEGER NOT NULL DEFAULT 1,
    "modSeq" BIGINT NOT NULL DEFAULT 1,
    "subscribed" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailboxFolder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailboxMessage" (
    "id" BIGSERIAL NOT NULL,
    "folderId" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "blobId" BIGINT NOT NULL,
    "size" INTEGER NOT NULL,
    "flags" TEXT[],
    "internalDate" TIMESTAMP(3) NOT NULL,
    "modSeq" BIGINT NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundMessage" (
    "id" TEXT NOT NULL,
    "blobId" BIGINT NOT NULL,
    "sender" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "clientIp" TEXT,
    "authUser" TEXT,
    "senderDomainPath" TEXT,
    "isBounce" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueueEntry" (
    "id" BIGSERIAL NOT NULL,
    "messageId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "remoteDomain" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "state" "QueueState" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),
    "senderDomainPath" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QueueEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RemoteDomain" (
    "domain" TEXT NOT NULL,
    "state" "RemoteDomainState" NOT NULL DEFAULT 'active',
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "heldSince" TIMESTAMP(3),
    "heldBy" TEXT,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),
    "nextProbeAt" TIMESTAMP(3),
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RemoteDomain_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "Transport" (
    "domain" TEXT NOT NULL,
    "nextHop" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Transport_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "QuarantineEntry" (
    "id" BIGSERIAL NOT NULL,
    "blobId" BIGINT NOT NULL,
    "sender" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "accountId" INTEGER,
    "domainPath" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "subject" TEXT,
    "matches" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decision" TEXT,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "QuarantineEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AcceptancePolicy" (
    "id" SERIAL NOT NULL,
    "level" "PolicyLevel" NOT NULL,
    "domainId" INTEGER,
    "groupId" INTEGER,
    "accountId" INTEGER,
    "whitelistedSenders" TEXT[],
    "trustedNetworks" TEXT[],
    "maxAttachmentKb" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AcceptancePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SendAsGrant" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SendAsGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "queueId" TEXT,
    "sender" TEXT,
    "recipient" TEXT,
    "domainPath" TEXT,
    "detail" TEXT,

    CONSTRAINT "MailEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StorageUnit_name_key" ON "StorageUnit"("name");

-- CreateIndex
CREATE UNIQUE INDEX "StorageUnit_directory_key" ON "StorageUnit"("directory");

-- CreateIndex
CREATE INDEX "StorageUnitDomain_domainId_idx" ON "StorageUnitDomain"("domainId");

-- CreateIndex
CREATE UNIQUE INDEX "MessageBlob_sha256_key" ON "MessageBlob"("sha256");

-- CreateIndex
CREATE INDEX "MessageBlob_refCount_idx" ON "MessageBlob"("refCount");

-- CreateIndex
CREATE INDEX "StorageProblem_storageUnitId_detectedAt_idx" ON "StorageProblem"("storageUnitId", "detectedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MailboxFolder_accountId_name_key" ON "MailboxFolder"("accountId", "name");

-- CreateIndex
CREATE INDEX "MailboxMessage_blobId_idx" ON "MailboxMessage"("blobId");

-- CreateIndex
CREATE UNIQUE INDEX "MailboxMessage_folderId_uid_key" ON "MailboxMessage"("folderId", "uid");

-- CreateIndex
CREATE INDEX "QueueEntry_state_nextAttemptAt_idx" ON "QueueEntry"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "QueueEntry_remoteDomain_state_nextAttemptAt_idx" ON "QueueEntry"("remoteDomain", "state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "QueueEntry_sender_idx" ON "QueueEntry"("sender");

-- CreateIndex
CREATE INDEX "QueueEntry_recipient_idx" ON "QueueEntry"("recipient");

-- CreateIndex
CREATE INDEX "QueueEntry_createdAt_idx" ON "QueueEntry"("createdAt");

-- CreateIndex
CREATE INDEX "QueueEntry_senderDomainPath_prefix_idx" ON "QueueEntry"("senderDomainPath" text_pattern_ops);

-- CreateIndex
CREATE INDEX "QuarantineEntry_domainPath_prefix_idx" ON "QuarantineEntry"("domainPath" text_pattern_ops);

-- CreateIndex
CREATE INDEX "QuarantineEntry_decision_createdAt_idx" ON "QuarantineEntry"("decision", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AcceptancePolicy_level_domainId_groupId_accountId_key" ON "AcceptancePolicy"("level", "domainId", "groupId", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SendAsGrant_accountId_address_key" ON "SendAsGrant"("accountId", "address");

-- CreateIndex
CREATE INDEX "MailEvent_at_idx" ON "MailEvent"("at");

-- CreateIndex
CREATE INDEX "MailEvent_kind_at_idx" ON "MailEvent"("kind", "at");

-- AddForeignKey
ALTER TABLE "StorageUnitDomain" ADD CONSTRAINT "StorageUnitDomain_storageUnitId_fkey" FOREIGN KEY ("storageUnitId") REFERENCES "StorageUnit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StorageUnitDomain" ADD CONSTRAINT "StorageUnitDomain_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageBlob" ADD CONSTRAINT "MessageBlob_storageUnitId_fkey" FOREIGN KEY ("storageUnitId") REFERENCES "StorageUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StorageProblem" ADD CONSTRAINT "StorageProblem_storageUnitId_fkey" FOREIGN KEY ("storageUnitId") REFERENCES "StorageUnit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxFolder" ADD CONSTRAINT "MailboxFolder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxMessage" ADD CONSTRAINT "MailboxMessage_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "MailboxFolder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailboxMessage" ADD CONSTRAINT "MailboxMessage_blobId_fkey" FOREIGN KEY ("blobId") REFERENCES "MessageBlob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_blobId_fkey" FOREIGN KEY ("blobId") REFERENCES "MessageBlob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QueueEntry" ADD CONSTRAINT "QueueEntry_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "OutboundMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuarantineEntry" ADD CONSTRAINT "QuarantineEntry_blobId_fkey" FOREIGN KEY ("blobId") REFERENCES "MessageBlob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

