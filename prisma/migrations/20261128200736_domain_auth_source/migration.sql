-- CreateEnum
CREATE TYPE "DomainAuthKind" AS ENUM ('local', 'ldap');

-- CreateEnum
CREATE TYPE "LdapTlsMode" AS ENUM ('none', 'starttls', 'ldaps');

-- CreateTable
CREATE TABLE "DomainAuthSource" (
    "id" SERIAL NOT NULL,
    "domainId" INTEGER NOT NULL,
    "kind" "DomainAuthKind" NOT NULL DEFAULT 'local',
    "urls" TEXT[],
    "tlsMode" "LdapTlsMode" NOT NULL DEFAULT 'none',
    "caPem" TEXT,
    "bindDn" TEXT,
    "bindPasswordSealed" TEXT,
    "userBase" TEXT NOT NULL DEFAULT '',
    "userFilter" TEXT NOT NULL DEFAULT '(mail={address})',
    "mailAttribute" TEXT NOT NULL DEFAULT 'mail',
    "uidAttribute" TEXT NOT NULL DEFAULT 'uid',
    "displayNameAttribute" TEXT NOT NULL DEFAULT 'displayName',
    "mailHostAttribute" TEXT NOT NULL DEFAULT 'mailHost',
    "quotaAttribute" TEXT,
    "connectTimeoutMs" INTEGER NOT NULL DEFAULT 3000,
    "operationTimeoutMs" INTEGER NOT NULL DEFAULT 5000,
    "cacheSeconds" INTEGER NOT NULL DEFAULT 60,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DomainAuthSource_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DomainAuthSource_domainId_key" ON "DomainAuthSource"("domainId");

-- AddForeignKey
ALTER TABLE "DomainAuthSource" ADD CONSTRAINT "DomainAuthSource_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;
