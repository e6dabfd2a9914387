-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "mailHost" TEXT;
