/** Helpers for the account tests: mailboxes, custom read-only admins, and quick pre-hashed passwords. */
import { hashPassword } from '@schoolmail/mail-engine';
import type { ApiClient, TestApi } from './api.js';
import { createAdmin, PASSWORD } from './fixtures.js';

export const MAILBOX_PASSWORD = 'mailbox-password-1';

/** Creates a mailbox through the API and fails loudly when that does not work. */
export async function createMailbox(client: ApiClient, domain: string, body: Record<string, unknown>) {
  const response = await client.post(`/domains/${domain}/accounts`, { password: MAILBOX_PASSWORD, ...body });
  if (response.status !== 201) throw new Error(`creating ${String(body.localPart)}@${domain} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** An administrator holding a custom permission set over `domain` (e.g. read-only accounts). */
export async function adminWithPermissions(api: TestApi, username: string, domain: string, permissions: Array<{ action: string; subject: string }>) {
  await api.prisma.permissionSet.create({ data: { name: `${username}-set`, permissions } });
  await createAdmin(api, username, [{ permissionSet: `${username}-set`, domain }]);
  return api.login(username, PASSWORD);
}

/** One scrypt hash reused for many rows: bulk tests measure inserts, not hashing. */
let sharedHash: Promise<string> | undefined;
export function preHashed() {
  sharedHash ??= hashPassword(MAILBOX_PASSWORD);
  return sharedHash;
}
