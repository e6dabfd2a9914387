/**
 * `node prisma/dist/src/cli.js create <name>`: new migration from schema.prisma, computed
 *   against a throw-away embedded PostgreSQL at the latest migration.
 * `node prisma/dist/src/cli.js deploy`: applies pending migrations to DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createMigration } from './migrations.js';
import { startEmbeddedPostgres } from './embedded.js';

const [command, name] = process.argv.slice(2);

if (command === 'create' && name) {
  const dataDir = mkdtempSync(join(tmpdir(), 'schoolmail-migrate-'));
  const db = await startEmbeddedPostgres({ dataDir, port: 20000 + Math.floor(Math.random() * 20000), persistent: false });
  try {
    const dir = await createMigration(name, db.url);
    console.log(dir ? `created ${dir}` : 'schema.prisma matches the migrations: nothing to create');
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
} else if (command === 'deploy' && process.env.DATABASE_URL) {
  const applied = await applyMigrations(process.env.DATABASE_URL, (line) => console.error(line));
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
} else {
  console.error('usage: cli.js create <name> | DATABASE_URL=... cli.js deploy');
  process.exit(1);
}
