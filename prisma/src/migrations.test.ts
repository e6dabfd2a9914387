import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { applyMigrations, pendingSchemaChange } from './migrations.js';

describe('migration runner', () => {
  it('has a migration for every change of schema.prisma', async () => {
    // A change to schema.prisma without `npm run migrate:create` fails here, with the SQL to add.
    expect(await pendingSchemaChange(inject('adminDatabaseUrl'))).toBeNull();
  });

  it('applies nothing the second time and keeps the routines in place', async () => {
    const db = await createTestDatabase();
    try {
      expect(await applyMigrations(db.url)).toEqual([]);
      const triggers = await db.prisma.$queryRaw<Array<{ tgname: string }>>`SELECT tgname FROM pg_trigger WHERE tgname LIKE '%blob_refs%' ORDER BY tgname`;
      expect(triggers.map((t) => t.tgname)).toHaveLength(6);
    } finally {
      await db.drop();
    }
  });
});
