-- AlterTable
ALTER TABLE "StorageUnit" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;
