-- CreateTable
CREATE TABLE "SendingCounter" (
    "accountId" INTEGER NOT NULL,
    "slot" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "messages" INTEGER NOT NULL,

    CONSTRAINT "SendingCounter_pkey" PRIMARY KEY ("accountId","slot")
);

-- AddForeignKey
ALTER TABLE "SendingCounter" ADD CONSTRAINT "SendingCounter_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
