import type { Action } from '@/session/session';

/**
 * The console's navigation. A screen appears only for people who hold `needs` somewhere
 * in their scope (the API checks every request anyway). Add a line here with each screen.
 */
export interface NavItem {
  href: string;
  label: string;
  needs?: { action: Action; subject: string };
}

export const NAVIGATION: NavItem[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/domains', label: 'Domains', needs: { action: 'read', subject: 'Domain' } },
  { href: '/accounts', label: 'Accounts', needs: { action: 'read', subject: 'Account' } },
  { href: '/queue', label: 'Queue', needs: { action: 'read', subject: 'QueueEntry' } },
  { href: '/quarantine', label: 'Quarantine', needs: { action: 'read', subject: 'QuarantineEntry' } },
  { href: '/word-lists', label: 'Word lists', needs: { action: 'read', subject: 'WordList' } },
  { href: '/lists', label: 'Lists and groups', needs: { action: 'read', subject: 'MailingList' } },
  { href: '/admins', label: 'Administrators', needs: { action: 'read', subject: 'Admin' } },
  { href: '/audit', label: 'Audit log', needs: { action: 'read', subject: 'AuditEvent' } },
  { href: '/api-keys', label: 'API keys', needs: { action: 'read', subject: 'ApiKey' } },
];
