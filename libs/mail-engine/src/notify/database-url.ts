import type { Db } from '../contracts.js';

/**
 * The connection string of the pool behind a Prisma client made by `createPrismaClient`
 * (the `pg` driver adapter keeps its configuration). LISTEN needs a connection of its own to
 * the same database, and the engine is handed only the client; null when it cannot be told.
 */
export function databaseUrlOf(prisma: Db): string | null {
  const adapter = (prisma as unknown as { _engineConfig?: { adapter?: { config?: { connectionString?: unknown } } } })._engineConfig?.adapter;
  const url = adapter?.config?.connectionString;
  return typeof url === 'string' ? url : null;
}
