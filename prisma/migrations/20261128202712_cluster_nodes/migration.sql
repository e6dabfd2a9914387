-- CreateTable
CREATE TABLE "ClusterNode" (
    "id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "addresses" JSONB NOT NULL,
    "version" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterNode_pkey" PRIMARY KEY ("id")
);
