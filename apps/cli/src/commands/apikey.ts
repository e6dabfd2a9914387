import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, choice, given, group, leaf, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['ID', (k) => k.id],
  ['NAME', (k) => k.name],
  ['PREFIX', (k) => k.prefix],
  ['GRANT', (k) => `${k.role ?? k.permissionSet}${k.domain ? `@${k.domain}` : ''}`],
  ['LAST USED', (k) => k.lastUsedAt],
  ['REVOKED', (k) => k.revokedAt],
];

export function registerApikey(program: Command, environment: Environment) {
  const apikey = group(program, 'apikey', 'API keys for scripts and the CMS', 'schoolmail apikey list');

  leaf(apikey, 'add <name>', 'Issue an API key; its secret is shown once (not idempotent in batch mode)', 'schoolmail apikey add "District 1 CMS" --role postmaster --domain district1.k12.us')
    .addOption(choice('--role <role>', 'built-in role', ['staff', 'postmaster', 'subdomain-admin']))
    .option('--permission-set <name>', 'custom permission set (instead of a role)')
    .option('--domain <domain>', 'where it applies (not for staff)')
    .action(
      act(environment, async (run, name: string, options: { role?: string; permissionSet?: string; domain?: string }) => {
        const issued = await run.api.post('/api-keys', given({ name, role: options.role, permissionSet: options.permissionSet, domain: options.domain }));
        run.show(issued, () => `${record(issued, ['secret'])}\n\nsecret (shown once; store it now):\n${issued.secret}`);
      }),
    );

  paged(leaf(apikey, 'list', 'List API keys', 'schoolmail apikey list --revoked false'))
    .option('--q <text>', 'name contains')
    .addOption(choice('--revoked <yes-or-no>', 'only revoked (true) or active (false) keys', ['true', 'false']))
    .action(
      act(environment, async (run, options: { q?: string; revoked?: string }) => {
        await run.list('/api-keys', { q: options.q, revoked: options.revoked }, options, columns);
      }),
    );

  leaf(apikey, 'show <id>', 'Show an API key (never its secret)', 'schoolmail apikey show 4').action(
    act(environment, async (run, id: string) => {
      const found = await run.api.get(path`/api-keys/${id}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(apikey, 'revoke <id>', 'Revoke an API key at once', 'schoolmail apikey revoke 4')
    .alias('rm')
    .action(
      act(environment, async (run, id: string) => {
        await run.api.delete(path`/api-keys/${id}`);
        run.print(run.json ? '' : `revoked API key ${id}`);
      }),
    );
}
