-- CreateTable
CREATE TABLE "StorageUsageDelta" (
    "id" BIGSERIAL NOT NULL,
    "storageUnitId" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,

    CONSTRAINT "StorageUsageDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MessageBlob_storageUnitId_idx" ON "MessageBlob"("storageUnitId");

-- CreateIndex
CREATE INDEX "QueueEntry_expiresAt_idx" ON "QueueEntry"("expiresAt");

-- AddForeignKey
ALTER TABLE "StorageUsageDelta" ADD CONSTRAINT "StorageUsageDelta_storageUnitId_fkey" FOREIGN KEY ("storageUnitId") REFERENCES "StorageUnit"("id") ON DELETE CASCADE ON UPDATE CASCADE;
