import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../database/database.js';
import type { ApiConfig } from '../config.js';
import { hashPassword } from '@schoolmail/mail-engine';

/**
 * On a fresh database, creates the first platform staff administrator. Its password comes
 * from SCHOOLMAIL_ADMIN_PASSWORD, or is generated, printed once and written to
 * <data>/admin-password (mode 0600). Later starts leave existing administrators alone.
 */
export async function ensureFirstAdmin(prisma: Database, config: ApiConfig, log: (line: string) => void) {
  if ((await prisma.admin.count()) > 0) return;
  const generated = !config.adminPassword;
  const password = config.adminPassword ?? randomBytes(18).toString('base64url');
  await prisma.$transaction(async (tx) => {
    const admin = await tx.admin.create({
      data: { username: config.adminUser, passwordHash: await hashPassword(password), displayName: 'Platform administrator' },
    });
    await tx.roleAssignment.create({ data: { adminId: admin.id, role: 'staff' } });
    await tx.auditEvent.create({
      data: { actorType: 'system', actorName: 'system', role: 'system', interface: 'cli', action: 'admin.create', subjectType: 'Admin', subjectId: String(admin.id), after: { username: admin.username, role: 'staff' } },
    });
  });
  if (generated) {
    mkdirSync(config.dataDir, { recursive: true });
    const file = join(config.dataDir, 'admin-password');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    log(`created platform administrator "${config.adminUser}" with password ${password} (also in ${file}; shown only this once)`);
  } else {
    log(`created platform administrator "${config.adminUser}" with the password from SCHOOLMAIL_ADMIN_PASSWORD`);
  }
}
