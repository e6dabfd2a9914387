/**
 * The readable reason a login or a session is refused, worded from the effective-settings
 * resolver's decision (which level decided, who changed it, when), e.g. "IMAP is disabled for
 * the domain west.district1.k12.us (changed by jdoe on 3 Nov 2026)". Shared by the protocol
 * servers (through MailAccess) and the API's end-user login (webmail).
 */
import { humanDate, type Decision, type EffectiveSettings } from '../settings/resolve-settings.js';
import type { MailService } from './types.js';

export const SERVICE_LABELS: Record<MailService, string> = { smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3', rpop: 'Remote POP', webmail: 'WebMail' };

function changed(decision: Decision): string {
  const parts = [decision.changedBy ? `by ${decision.changedBy}` : null, decision.changedAt ? `on ${humanDate(new Date(decision.changedAt))}` : null].filter(Boolean);
  return parts.length ? ` (changed ${parts.join(' ')})` : '';
}

function serviceOff(label: string, settings: EffectiveSettings, decision: Decision): string {
  switch (decision.level) {
    case 'server':
      return `${label} is disabled on this server`;
    case 'class-of-service': {
      const assigned = settings.classOfService?.assignedAt;
      const where = assigned ? `, assigned to the ${assigned.level} ${assigned.name}` : '';
      return `${label} is disabled by the class of service "${decision.name}"${where}`;
    }
    case 'domain':
      return `${label} is disabled for the domain ${decision.name}${changed(decision)}`;
    case 'account':
      return `${label} is disabled for the account ${decision.name}${changed(decision)}`;
  }
}

/** Why the account may not use `service` now, or null when it may (status first, then the service). */
export function refusalReason(settings: EffectiveSettings, service: MailService): string | null {
  const status = settings.status;
  if (status.value !== 'active') {
    return status.decidedBy.level === 'domain'
      ? `The domain ${status.decidedBy.name} is suspended`
      : `The account ${settings.account} is ${status.value}`;
  }
  const explained = settings.services[service];
  return explained.value ? null : serviceOff(SERVICE_LABELS[service], settings, explained.decidedBy);
}
