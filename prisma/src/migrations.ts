/**
 * Migration runner on Prisma's Wasm schema engine, so that migrations can be created and
 * applied on machines where Prisma's native schema engine cannot be downloaded. It records
 * applied migrations in `_prisma_migrations` exactly as `prisma migrate deploy` does, so
 * the stock CLI works on the same folder where it is available.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { readFileSync, readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** `prisma/` (this file lives in prisma/src or prisma/dist/src). */
export const prismaDir = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'schema.prisma'))) dir = dirname(dir);
  return dir;
})();
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');
/** Functions and triggers, kept apart because the engine splits migration scripts on ';'. */
export const routinesDir = join(prismaDir, 'routines');

/** The two WebAssembly calls we need (Node's global; @types/node 20 does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface SchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}

let glue: Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<SchemaEngine> } }> | undefined;

/** Instantiates the engine's Wasm module once per process: the JS glue holds one instance. */
function loadGlue(log: (line: string) => void) {
  glue ??= (async () => {
    // A Rust panic inside the engine reports its message through this global.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => log(`schema engine panic: ${message}`),
    };
    // The package's own entry imports a .wasm file, which Node cannot load: instantiate the
    // module ourselves and hand its exports to the JS glue.
    const packageDir = dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bg = await import(join(packageDir, 'schema_engine_bg.js'));
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
    const module = new WebAssembly.Module(readFileSync(join(packageDir, 'schema_engine_bg.wasm')));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return glue;
}

/** Remembers the connections the engine opens, so they can be closed when it is done. */
class ClosablePg extends PrismaPg {
  readonly opened: Array<{ dispose(): Promise<void> }> = [];
  override async connect() {
    const adapter = await super.connect();
    this.opened.push(adapter);
    return adapter;
  }
  async close() {
    await Promise.all(this.opened.splice(0).map((adapter) => adapter.dispose()));
  }
}

async function withSchemaEngine<T>(connectionString: string, log: (line: string) => void, work: (engine: SchemaEngine) => Promise<T>) {
  const pg = new ClosablePg({ connectionString, max: 2 });
  try {
    return await work(await loadSchemaEngine(pg, log));
  } finally {
    await pg.close();
  }
}

async function loadSchemaEngine(pg: PrismaPg, log: (line: string) => void) {
  const bg = await loadGlue(log);
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(pg);
  const schema = readFileSync(schemaPath, 'utf8');
  return bg.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, (message: string) => log(message), adapterFactory);
}

function migrationList() {
  const directories = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: directories.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

const SNAPSHOT = 'schema.snapshot.prisma';
const noFilters = { externalTables: [], externalEnums: [] };

/**
 * Applies every migration in prisma/migrations not yet recorded, then (re)creates the
 * database routines of prisma/routines (idempotent scripts: CREATE OR REPLACE, DROP ... IF
 * EXISTS). Returns the names of the migrations applied.
 */
export async function applyMigrations(connectionString: string, log: (line: string) => void = () => {}) {
  const { appliedMigrationNames } = await withSchemaEngine(connectionString, log, (engine) =>
    engine.applyMigrations({ migrationsList: migrationList(), filters: noFilters }),
  );
  await applyRoutines(connectionString);
  return appliedMigrationNames;
}

async function applyRoutines(connectionString: string) {
  const scripts = existsSync(routinesDir) ? readdirSync(routinesDir).filter((f) => f.endsWith('.sql')).sort() : [];
  if (!scripts.length) return;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const script of scripts) await client.query(readFileSync(join(routinesDir, script), 'utf8'));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * The SQL that takes the schema of the latest migration to schema.prisma, or null when they
 * match. Each migration keeps a copy of the schema it produces (`schema.snapshot.prisma`,
 * ignored by Prisma's CLI), so the diff is computed between two data models and needs no
 * database: the Wasm engine cannot yet describe a live PostgreSQL 18 catalog.
 * `connectionString` only hosts the engine.
 */
export async function pendingSchemaChange(connectionString: string): Promise<string | null> {
  const latest = migrationList().migrationDirectories.at(-1)?.path;
  const { stdout } = await withSchemaEngine(connectionString, () => {}, (engine) => engine.diff({
    from: latest
      ? { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: readFileSync(join(migrationsDir, latest, SNAPSHOT), 'utf8') }] }
      : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }] },
    script: true,
    shadowDatabaseUrl: null,
    exitCode: null,
    filters: noFilters,
  }));
  const sql = stdout ?? '';
  return !sql.trim() || sql.includes('This is an empty migration') ? null : sql;
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/ (migration.sql and the schema snapshot) for
 * the pending schema change; returns the directory, or null when there is nothing to change.
 */
export async function createMigration(name: string, connectionString: string) {
  const sql = await pendingSchemaChange(connectionString);
  if (sql === null) return null;
  const current = readFileSync(schemaPath, 'utf8');
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = resolve(migrationsDir, `${stamp}_${name.replace(/[^a-z0-9_]+/gi, '_')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), sql);
  writeFileSync(join(dir, SNAPSHOT), current);
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockPath)) {
    writeFileSync(lockPath, '# Please do not edit this file manually\nprovider = "postgresql"\n');
  }
  return dir;
}
