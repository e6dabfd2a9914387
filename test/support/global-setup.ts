/**
 * One embedded PostgreSQL for the whole test run, on a random port in a temporary
 * directory. Migrations run once into a template database; every test file clones it
 * (`CREATE DATABASE ... TEMPLATE`), so files are isolated and pay no migration cost.
 * With DATABASE_URL set, that server is used instead and nothing is started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations, startEmbeddedPostgres } from '@schoolmail/prisma';

export const TEMPLATE_DATABASE = 'schoolmail_template';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, port: 30000 + Math.floor(Math.random() * 20000), persistent: false });
    adminUrl = server.urlFor('postgres');
    stop = server.stop;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
  await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await client.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await applyMigrations(templateUrl.toString());
  project.provide('adminDatabaseUrl', adminUrl);
  return async () => {
    await stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
