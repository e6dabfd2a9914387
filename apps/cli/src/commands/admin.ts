import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { path } from '../http.js';
import { record, table, type Column } from '../output.js';
import { readSecret } from '../secret-input.js';
import { act, choice, given, group, leaf, orNull, paged } from '../define.js';
import type { Environment, Invocation } from '../invocation.js';

const ROLES = ['staff', 'postmaster', 'subdomain-admin'];

const grantText = (g: { role: string | null; permissionSet: string | null; domain: string | null }) => `${g.role ?? g.permissionSet}${g.domain ? `@${g.domain}` : ''}`;

const columns: Array<Column<any>> = [
  ['ID', (a) => a.id],
  ['USERNAME', (a) => a.username],
  ['NAME', (a) => a.displayName],
  ['DISABLED', (a) => (a.disabled ? 'yes' : 'no')],
  ['GRANTS', (a) => a.assignments.map(grantText)],
];

const assignmentColumns: Array<Column<any>> = [
  ['ID', (g) => g.id],
  ['GRANT', (g) => grantText(g)],
  ['SINCE', (g) => g.createdAt],
];

/** Administrators are addressed by id in the API; a username is looked up first. */
async function adminId(run: Invocation, reference: string): Promise<string> {
  if (/^\d+$/.test(reference)) return reference;
  const page = await run.api.get('/admins', { q: reference, limit: 500 });
  const found = page.items.find((admin: { username: string }) => admin.username === reference.toLowerCase());
  if (!found) throw new CliError(EXIT.notFound, `Not found: administrator ${reference} does not exist`);
  return String(found.id);
}

interface GrantOptions {
  role?: string;
  permissionSet?: string;
  domain?: string;
}

function grantOptions(command: Command) {
  return command
    .addOption(choice('--role <role>', 'built-in role', ROLES))
    .option('--permission-set <name>', 'custom permission set (instead of a role)')
    .option('--domain <domain>', 'where the grant applies (not for staff)');
}

const grantOf = (options: GrantOptions) => given({ role: options.role, permissionSet: options.permissionSet, domain: options.domain });

export function registerAdmin(program: Command, environment: Environment) {
  const admin = group(program, 'admin', 'Administrators and their role assignments', 'schoolmail admin list');

  leaf(admin, 'add <username>', 'Create an administrator (the password is read from standard input or a prompt)', 'schoolmail admin add jsmith --display-name "J. Smith" < password.txt')
    .option('--display-name <name>', 'display name')
    .option('--password <password>', 'the password (visible in the process list; for batch files)')
    .action(
      act(environment, async (run, username: string, options: { displayName?: string; password?: string }) => {
        const password = options.password ?? (await readSecret(run.environment, 'Password for the new administrator: '));
        const body = { username, password, ...given({ displayName: options.displayName }) };
        const created = await run.create('/admins', body, async () => run.api.get(path`/admins/${await adminId(run, username)}`));
        run.show(created, () => record(created, ['assignments']));
      }),
    );

  paged(leaf(admin, 'list', 'List administrators', 'schoolmail admin list --q smith'))
    .option('--q <text>', 'username or name contains')
    .action(
      act(environment, async (run, options: { q?: string }) => {
        await run.list('/admins', { q: options.q }, options, columns);
      }),
    );

  leaf(admin, 'show <admin>', 'Show an administrator (id or username) with its grants', 'schoolmail admin show jsmith').action(
    act(environment, async (run, reference: string) => {
      const found = await run.api.get(path`/admins/${await adminId(run, reference)}`);
      run.show(found, () => `${record(found, ['assignments'])}\n\n${table(found.assignments, assignmentColumns)}`);
    }),
  );

  leaf(admin, 'set <admin>', 'Change an administrator', 'schoolmail admin set jsmith --disable')
    .option('--display-name <name>', 'display name, or none')
    .option('--disable', 'refuse its logins')
    .option('--enable', 'allow its logins again')
    .option('--password-stdin', 'read a new password from standard input (or a prompt)')
    .action(
      act(environment, async (run, reference: string, options: { displayName?: string; disable?: boolean; enable?: boolean; passwordStdin?: boolean }) => {
        const id = await adminId(run, reference);
        const password = options.passwordStdin ? await readSecret(run.environment, 'New password: ') : undefined;
        const disabled = options.disable ? true : options.enable ? false : undefined;
        const updated = await run.api.patch(path`/admins/${id}`, given({ displayName: orNull(options.displayName), disabled, password }));
        run.show(updated, () => record(updated, ['assignments']));
      }),
    );

  leaf(admin, 'rm <admin>', 'Delete an administrator', 'schoolmail admin rm jsmith').action(
    act(environment, async (run, reference: string) => {
      await run.api.delete(path`/admins/${await adminId(run, reference)}`);
      run.print(run.json ? '' : `deleted administrator ${reference}`);
    }),
  );

  grantOptions(leaf(admin, 'grant <admin>', 'Give an administrator a role or permission set on a domain', 'schoolmail admin grant jsmith --role postmaster --domain district1.k12.us')).action(
    act(environment, async (run, reference: string, options: GrantOptions) => {
      const id = await adminId(run, reference);
      const created = await run.create(path`/admins/${id}/assignments`, grantOf(options), async () => {
        const assignments = await run.api.get(path`/admins/${id}/assignments`);
        return assignments.items.find((a: GrantOptions) => a.role === (options.role ?? null) && a.permissionSet === (options.permissionSet ?? null) && a.domain === (options.domain ?? null));
      });
      run.show(created, () => `assignment ${created.id}: ${grantText(created)}`);
    }),
  );

  leaf(admin, 'revoke <admin> <assignment-id>', 'Remove one of its assignments (ids in "admin show")', 'schoolmail admin revoke jsmith 12').action(
    act(environment, async (run, reference: string, assignmentId: string) => {
      await run.api.delete(path`/admins/${await adminId(run, reference)}/assignments/${assignmentId}`);
      run.print(run.json ? '' : `removed assignment ${assignmentId}`);
    }),
  );
}
