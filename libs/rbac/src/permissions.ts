/**
 * The permission registry: every (action, subject) pair that a role, a custom permission
 * set or an API key can hold. It drives the ability factory, the validation of custom sets
 * and the console's permission-set editor.
 */
import { z } from 'zod';

export const ACTIONS = ['read', 'create', 'update', 'delete'] as const;
export type Action = (typeof ACTIONS)[number] | 'manage';

export const SUBJECTS = [
  'Domain',
  'Account',
  'Alias',
  'MailingList',
  'Group',
  'ClassOfService',
  'WordList',
  'Admin',
  'RoleAssignment',
  'PermissionSet',
  'ApiKey',
  'AuditEvent',
  'QueueEntry',
  'QuarantineEntry',
  'RpopSource',
  'Webhook',
  'Job',
  // Platform infrastructure: staff only, never part of a delegated role or permission set.
  'StorageUnit',
  'Transport',
  'RemoteDomain',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

export interface PermissionInfo {
  action: (typeof ACTIONS)[number];
  subject: SubjectName;
  description: string;
  /** Permissions that make no sense without these (e.g. updating without reading). */
  requires?: Array<{ action: (typeof ACTIONS)[number]; subject: SubjectName }>;
}

const crud = (subject: SubjectName, noun: string, extra: Partial<Record<'read' | 'create' | 'update' | 'delete', string>> = {}): PermissionInfo[] => [
  { action: 'read', subject, description: extra.read ?? `See ${noun}` },
  { action: 'create', subject, description: extra.create ?? `Create ${noun}`, requires: [{ action: 'read', subject }] },
  { action: 'update', subject, description: extra.update ?? `Change ${noun}`, requires: [{ action: 'read', subject }] },
  { action: 'delete', subject, description: extra.delete ?? `Delete ${noun}`, requires: [{ action: 'read', subject }] },
];

export const PERMISSION_REGISTRY: readonly PermissionInfo[] = [
  ...crud('Domain', 'domains and sub-domains', { update: 'Change domains: services, class of service, branding, suspension' }),
  ...crud('Account', 'mailboxes', { update: 'Change mailboxes: passwords, services, suspension' }),
  ...crud('Alias', 'aliases'),
  ...crud('MailingList', 'mailing lists and their members'),
  ...crud('Group', 'groups and their members'),
  ...crud('ClassOfService', 'classes of service'),
  ...crud('WordList', 'word lists (filters)'),
  ...crud('Admin', 'administrators'),
  ...crud('RoleAssignment', 'administrator assignments (delegation)'),
  ...crud('PermissionSet', 'custom permission sets'),
  ...crud('ApiKey', 'API keys'),
  { action: 'read', subject: 'AuditEvent', description: 'Read the audit log' },
  { action: 'read', subject: 'QueueEntry', description: 'See queued outgoing mail sent from my domains' },
  { action: 'update', subject: 'QueueEntry', description: 'Retry or bounce queued mail', requires: [{ action: 'read', subject: 'QueueEntry' }] },
  { action: 'delete', subject: 'QueueEntry', description: 'Delete queued mail', requires: [{ action: 'read', subject: 'QueueEntry' }] },
  { action: 'read', subject: 'QuarantineEntry', description: 'See quarantined messages (held by word lists)' },
  { action: 'update', subject: 'QuarantineEntry', description: 'Release quarantined messages to their mailbox', requires: [{ action: 'read', subject: 'QuarantineEntry' }] },
  { action: 'delete', subject: 'QuarantineEntry', description: 'Delete quarantined messages', requires: [{ action: 'read', subject: 'QuarantineEntry' }] },
  ...crud('RpopSource', "mailboxes' remote POP sources (mail collected from other servers)"),
  ...crud('Webhook', 'webhooks (change notifications for the CMS) and their delivery log'),
  { action: 'read', subject: 'Job', description: 'See background jobs (imports) and their reports' },
  { action: 'create', subject: 'Job', description: 'Start imports (CSV, vpopmail, Maildir, IMAP)', requires: [{ action: 'read', subject: 'Job' }] },
  { action: 'update', subject: 'Job', description: 'Cancel or resume background jobs', requires: [{ action: 'read', subject: 'Job' }] },
];

export const permissionSchema = z.object({
  action: z.enum(ACTIONS),
  subject: z.enum(SUBJECTS),
});
export type Permission = z.infer<typeof permissionSchema>;

/** A custom permission set as stored: registered pairs only, no duplicates, dependencies met. */
export const permissionListSchema = z
  .array(permissionSchema)
  .min(1, 'a permission set needs at least one permission')
  .max(PERMISSION_REGISTRY.length)
  .superRefine((permissions, ctx) => {
    const key = (p: Permission) => `${p.action}:${p.subject}`;
    const held = new Set(permissions.map(key));
    if (held.size !== permissions.length) ctx.addIssue({ code: 'custom', message: 'duplicate permission' });
    permissions.forEach((permission, index) => {
      const info = PERMISSION_REGISTRY.find((entry) => key(entry) === key(permission));
      if (!info) {
        ctx.addIssue({ code: 'custom', path: [index], message: `${key(permission)} is not a known permission` });
        return;
      }
      for (const needed of info.requires ?? []) {
        if (!held.has(key(needed))) {
          ctx.addIssue({ code: 'custom', path: [index], message: `${key(permission)} requires ${key(needed)}` });
        }
      }
    });
  });
