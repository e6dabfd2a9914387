import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';

export * from './generated/client.js';
export { applyMigrations } from './migrations.js';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';

/** A Prisma client on PostgreSQL through the `pg` driver adapter (no native engine). */
export function createPrismaClient(connectionString: string, options: { poolSize?: number } = {}) {
  const adapter = new PrismaPg({ connectionString, max: options.poolSize ?? 20 });
  return new PrismaClient({ adapter });
}
