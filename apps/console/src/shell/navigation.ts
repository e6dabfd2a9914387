import type { Action, Session } from '@/session/session';

/**
 * The console's navigation. A screen appears only for people who hold `needs` somewhere
 * in their scope (the API checks every request anyway). Add a line here with each screen.
 */
export interface NavItem {
  href: string;
  label: string;
  needs?: { action: Action; subject: string };
  /** Self-service screens: mailbox owners see only these, administrators never. */
  forMailboxOwner?: boolean;
  /** Highlighted only on this very path, not on the paths under it. */
  exact?: boolean;
}

export const NAVIGATION: NavItem[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/domains', label: 'Domains', needs: { action: 'read', subject: 'Domain' } },
  { href: '/accounts', label: 'Accounts', needs: { action: 'read', subject: 'Account' } },
  { href: '/queue', label: 'Queue', needs: { action: 'read', subject: 'QueueEntry' } },
  { href: '/quarantine', label: 'Quarantine', needs: { action: 'read', subject: 'QuarantineEntry' } },
  { href: '/word-lists', label: 'Word lists', needs: { action: 'read', subject: 'WordList' } },
  { href: '/classes-of-service', label: 'Classes of service', needs: { action: 'read', subject: 'ClassOfService' } },
  { href: '/lists', label: 'Lists and groups', needs: { action: 'read', subject: 'MailingList' } },
  { href: '/admins', label: 'Administrators', needs: { action: 'read', subject: 'Admin' } },
  { href: '/audit', label: 'Audit log', needs: { action: 'read', subject: 'AuditEvent' } },
  { href: '/api-keys', label: 'API keys', needs: { action: 'read', subject: 'ApiKey' } },
  { href: '/storage-units', label: 'Storage units', needs: { action: 'read', subject: 'StorageUnit' } },
  // Cluster topology has no permission subject: only staff (who may do anything) see it.
  { href: '/cluster', label: 'Cluster nodes', needs: { action: 'read', subject: 'all' } },
  { href: '/me', label: 'My mailbox', forMailboxOwner: true, exact: true },
  { href: '/me/password', label: 'Password', forMailboxOwner: true },
  { href: '/me/word-list', label: 'My word list', forMailboxOwner: true },
  { href: '/me/remote-pop', label: 'Remote mailboxes', forMailboxOwner: true },
];

export const SELF_SERVICE_HOME = '/me';

export const isMailboxOwner = (session: Session) => session.me.kind === 'user';

/** The entries one person sees: a mailbox owner its self-service screens, an administrator what its rights reach. */
export function navigationFor(session: Session): NavItem[] {
  const owner = isMailboxOwner(session);
  return NAVIGATION.filter((item) => Boolean(item.forMailboxOwner) === owner && (!item.needs || session.can(item.needs.action, item.needs.subject)));
}

export function isActive(pathname: string, item: NavItem) {
  return item.href === '/' || item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
}

/** A mailbox owner has no administration screens: anything else takes it to its own. */
export const outsideSelfService = (pathname: string) => pathname !== SELF_SERVICE_HOME && !pathname.startsWith(`${SELF_SERVICE_HOME}/`);
