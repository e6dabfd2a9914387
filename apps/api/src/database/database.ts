import { chmodSync, mkdirSync, statSync } from 'node:fs';
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
    allowPostgresUserIn(config.dataDir, log);
    log(`starting embedded PostgreSQL in ${dataDir} on 127.0.0.1:${config.embeddedPostgresPort}`);
    const server = await startEmbeddedPostgres({
      dataDir,
      port: config.embeddedPostgresPort,
      // PostgreSQL's own words on what operators need to see (crash recovery, failures).
      log: (line) => {
        if (/recovery|redo|FATAL|PANIC|ERROR|could not/i.test(line)) log(`postgres: ${line}`);
      },
    });
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

/**
 * Run as root, the embedded server runs as the `postgres` OS user (PostgreSQL refuses
 * root), which must be able to traverse the data directory to reach its own `pg` folder.
 * Files in it keep their own modes (the admin password file stays 0600).
 */
function allowPostgresUserIn(dataDir: string, log: (line: string) => void) {
  if (process.getuid?.() !== 0) return;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o001) === 0) {
    chmodSync(dataDir, mode | 0o011);
    log(`made ${dataDir} traversable (not readable) for the postgres user`);
  }
}
