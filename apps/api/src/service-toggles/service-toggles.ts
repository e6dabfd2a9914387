import type { Tx } from '../database/database.js';
import { SERVICES, type ServiceName } from '../common/validation.js';

export type ServicesMap = Record<ServiceName, boolean>;

/** The `services` object of a domain or account: what this level allows (no row = allowed). */
export function servicesOf(toggles: Array<{ service: string; enabled: boolean }>): ServicesMap {
  const map = Object.fromEntries(SERVICES.map((s) => [s, true])) as ServicesMap;
  for (const toggle of toggles) map[toggle.service as ServiceName] = toggle.enabled;
  return map;
}

/** Writes the toggles given in `services` (others stay), remembering who changed them. */
export async function saveToggles(
  tx: Tx,
  target: { domainId: number } | { accountId: number },
  services: Partial<ServicesMap> | undefined,
  changedBy: string,
) {
  for (const [service, enabled] of Object.entries(services ?? {})) {
    if (enabled === undefined) continue;
    const where = 'domainId' in target
      ? { domainId_service: { domainId: target.domainId, service: service as ServiceName } }
      : { accountId_service: { accountId: target.accountId, service: service as ServiceName } };
    await tx.serviceToggle.upsert({
      where: where as never,
      create: { ...target, service: service as ServiceName, enabled, changedBy },
      update: { enabled, changedBy, changedAt: new Date() },
    });
  }
}
