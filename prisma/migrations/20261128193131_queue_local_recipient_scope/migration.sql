-- AlterTable
ALTER TABLE "QueueEntry" ADD COLUMN     "localDomainPath" TEXT;

-- CreateIndex
CREATE INDEX "QueueEntry_localDomainPath_prefix_idx" ON "QueueEntry"("localDomainPath" text_pattern_ops);
