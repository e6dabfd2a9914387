-- AlterTable
ALTER TABLE "DomainAuthSource" ADD COLUMN     "postmasterMayManage" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "provisionBase" TEXT,
ADD COLUMN     "provisionObjectClasses" TEXT[] DEFAULT ARRAY['inetOrgPerson', 'shadowAccount']::TEXT[],
ADD COLUMN     "provisionRdnAttribute" TEXT NOT NULL DEFAULT 'uid',
ADD COLUMN     "provisioning" BOOLEAN NOT NULL DEFAULT false;
