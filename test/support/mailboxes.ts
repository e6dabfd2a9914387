/**
 * Mailboxes made straight in the database, for tests of features that only need accounts
 * to exist (classes of service, word lists), with their Address registry row.
 */
import { hashPassword } from '@schoolmail/mail-engine';
import type { TestApi } from './api.js';

export async function createMailbox(api: TestApi, address: string, options: { classOfService?: string; password?: string } = {}) {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await api.prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  const classOfService = options.classOfService ? await api.prisma.classOfService.findUniqueOrThrow({ where: { name: options.classOfService } }) : null;
  const passwordHash = options.password ? await hashPassword(options.password) : '{SCRYPT}x';
  await api.prisma.address.create({ data: { address, kind: 'account', domainId: domain.id } });
  return api.prisma.account.create({ data: { address, localPart, domainId: domain.id, passwordHash, classOfServiceId: classOfService?.id ?? null } });
}
