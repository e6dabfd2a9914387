import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, createPrismaClient, startEmbeddedPostgres, type PrismaClient } from '@schoolmail/prisma';
import type { ApiConfig } from '../config.js';

export const PRISMA = Symbol('PRISMA');
export type Database = PrismaClient;
/** What `prisma.$transaction(async (tx) => ...)` hands to its callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL under the data directory,
 * and brings the schema up to date. Returns the client and a function that stops both.
 */
export async function openDatabase(config: ApiConfig, log: (line: string) => void): Promise<{ prisma: Database; url: string; close: () => Promise<void> }> {
  let url = config.databaseUrl;
  let stopServer = async () => {};
  if (!url) {
    const dataDir = join(config.dataDir, 'pg');
    mkdirSync(config.dataDir, { recursive: true });
    log(`starting embedded PostgreSQL in ${dataDir} on 127.0.0.1:${config.embeddedPostgresPort}`);
    const server = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort });
    url = server.url;
    stopServer = server.stop;
  }
  const applied = await applyMigrations(url);
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  const prisma = createPrismaClient(url);
  return {
    prisma,
    url,
    close: async () => {
      await prisma.$disconnect();
      await stopServer();
    },
  };
}
