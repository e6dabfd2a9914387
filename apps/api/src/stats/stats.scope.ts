import { permissionsOf, type Action, type Principal, type SubjectName } from '@schoolmail/rbac';

/**
 * The domain subtrees (path prefixes) in which a principal holds `action` on `subject`:
 * `'all'` for platform staff, [] for none. For tables that are no CASL subject of their own
 * (MailEvent), so the same grants decide what a dashboard counts.
 */
export function scopePaths(principal: Principal, action: Action, subject: SubjectName): string[] | 'all' {
  if (principal.kind === 'user') return [];
  const paths: string[] = [];
  for (const grant of principal.grants) {
    const permissions = permissionsOf(grant);
    if (permissions === 'all') return 'all';
    if (grant.scope && permissions.some((p) => p.subject === subject && p.action === action)) paths.push(grant.scope.path);
  }
  return paths;
}
