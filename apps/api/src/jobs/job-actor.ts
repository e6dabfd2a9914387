import { defineAbilityFor, type Principal } from '@schoolmail/rbac';
import type { Database } from '../database/database.js';
import type { Actor, Interface } from '../common/actor.js';
import { grantOf, roleLabel, type PrincipalResolver } from '../auth/principals.js';

/** Who started a job, as stored in its params: enough to rebuild the actor when it runs. */
export interface StoredActor {
  kind: 'admin' | 'apiKey';
  id: number;
  interface: Interface;
  clientIp: string | null;
}

export function storedActorOf(actor: Actor): StoredActor {
  const p = actor.principal;
  if (p.kind === 'user') throw new Error('mailbox owners do not start jobs');
  return { kind: p.kind, id: p.kind === 'admin' ? p.adminId : p.apiKeyId, interface: actor.interface, clientIp: actor.clientIp };
}

/**
 * The job's actor with the rights its creator holds NOW (not when the job was queued): a
 * job resumed after its creator lost a grant, or was disabled or revoked, gets the reduced
 * rights, or none (null).
 */
export async function rebuildActor(prisma: Database, principals: PrincipalResolver, stored: StoredActor): Promise<Actor | null> {
  let principal: Principal;
  if (stored.kind === 'admin') {
    const admin = await prisma.admin.findUnique({ where: { id: stored.id }, select: { username: true, disabled: true } });
    if (!admin || admin.disabled) return null;
    principal = { kind: 'admin', adminId: stored.id, name: admin.username, grants: await principals.adminGrants(stored.id) };
  } else {
    const key = await prisma.apiKey.findUnique({ where: { id: stored.id }, include: { domain: true, permissionSet: true } });
    if (!key || key.revokedAt) return null;
    const grant = grantOf(key);
    principal = { kind: 'apiKey', apiKeyId: key.id, name: `apikey:${key.name}`, grants: grant ? [grant] : [] };
  }
  return { principal, ability: defineAbilityFor(principal), role: roleLabel(principal), interface: stored.interface, clientIp: stored.clientIp };
}
