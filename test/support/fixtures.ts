/**
 * Seed factories: a platform with two districts, sub-domains, and one administrator per
 * built-in role, built through the REST API (domains) and the admin tables (people), so a
 * test starts from a realistic delegation tree in one call.
 */
import { hashPassword } from '@schoolmail/mail-engine';
import type { ApiClient, TestApi } from './api.js';

export const PASSWORD = 'correct-horse-1';

export async function createAdmin(api: TestApi, username: string, grants: Array<{ role?: 'staff' | 'postmaster' | 'subdomain_admin'; permissionSet?: string; domain?: string }>) {
  const admin = await api.prisma.admin.create({ data: { username, passwordHash: await hashPassword(PASSWORD) } });
  for (const grant of grants) {
    const domain = grant.domain ? await api.prisma.domain.findUniqueOrThrow({ where: { name: grant.domain } }) : null;
    const permissionSet = grant.permissionSet ? await api.prisma.permissionSet.findUniqueOrThrow({ where: { name: grant.permissionSet } }) : null;
    await api.prisma.roleAssignment.create({
      data: { adminId: admin.id, role: grant.role ?? null, permissionSetId: permissionSet?.id ?? null, domainId: domain?.id ?? null },
    });
  }
  return admin;
}

async function expectCreated(promise: Promise<{ status: number; body: unknown }>) {
  const response = await promise;
  if (response.status !== 201 && response.status !== 200) throw new Error(`seed failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export interface Districts {
  staff: ApiClient;
  /** Postmaster of district1.k12.us (and so of west. and east.). */
  postmaster1: ApiClient;
  /** Sub-domain admin of west.district1.k12.us only. */
  westAdmin: ApiClient;
  /** Postmaster of district2.k12.us. */
  postmaster2: ApiClient;
}

export async function seedDistricts(api: TestApi): Promise<Districts> {
  const staff = api.staff;
  await expectCreated(staff.post('/domains', { name: 'district1.k12.us' }));
  await expectCreated(staff.post('/domains', { name: 'west.district1.k12.us', parent: 'district1.k12.us' }));
  await expectCreated(staff.post('/domains', { name: 'east.district1.k12.us', parent: 'district1.k12.us' }));
  await expectCreated(staff.post('/domains', { name: 'district2.k12.us' }));
  await createAdmin(api, 'pm1', [{ role: 'postmaster', domain: 'district1.k12.us' }]);
  await createAdmin(api, 'westadmin', [{ role: 'subdomain_admin', domain: 'west.district1.k12.us' }]);
  await createAdmin(api, 'pm2', [{ role: 'postmaster', domain: 'district2.k12.us' }]);
  return {
    staff,
    postmaster1: await api.login('pm1', PASSWORD),
    westAdmin: await api.login('westadmin', PASSWORD),
    postmaster2: await api.login('pm2', PASSWORD),
  };
}
