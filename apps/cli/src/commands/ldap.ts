import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { path } from '../http.js';
import { table, type Column } from '../output.js';
import { act, group, leaf } from '../define.js';
import type { Environment } from '../invocation.js';

const SYNC_HELP = `
Direction: for a domain in provisioning mode Schoolmail is the source of truth and --apply
writes the directory (creates missing entries, deletes entries without an account, corrects
attributes); for any other LDAP domain the directory is the source and --apply creates,
updates and suspends accounts. Every repair is audited.

Exit codes: 0 no differences (or all repaired with --apply), 1 differences remain (without
--apply: found; with --apply: could not be repaired), 2 domain not found, 3 forbidden,
4 the domain authenticates locally, 5 the directory was unreachable or refused, or a server error.
`;

const columns: Array<Column<any>> = [
  ['ADDRESS', (d) => d.address],
  ['DIFFERENCE', (d) => d.kind],
  ['DETAIL', (d) => detailOf(d)],
  ['REPAIR', (d) => d.repair],
  ['RESULT', (d) => d.result],
];

function detailOf(difference: any): string {
  if (difference.kind === 'attributes') return difference.fields.map((f: any) => `${f.field}: ${JSON.stringify(f.schoolmail)} here, ${JSON.stringify(f.directory)} in the directory`).join('; ');
  if (difference.kind === 'duplicate-entries') return difference.dns.join(' | ');
  return [difference.dn, difference.error, difference.note].filter(Boolean).join(' ');
}

export function registerLdap(program: Command, environment: Environment) {
  const ldap = group(program, 'ldap', "A domain's LDAP directory: compare and repair its accounts", 'schoolmail ldap sync --domain district1.k12.us');

  leaf(ldap, 'sync', 'Report the differences between the accounts of a domain and its directory; --apply repairs them', 'schoolmail ldap sync --domain district1.k12.us', 'schoolmail ldap sync --domain district1.k12.us --apply --json')
    .requiredOption('--domain <domain>', 'the domain to compare')
    .option('--apply', 'repair the differences (see Direction)')
    .addHelpText('after', SYNC_HELP)
    .action(
      act(environment, async (run, options: { domain: string; apply?: boolean }) => {
        const report = await run.api.post(path`/domains/${options.domain}/auth-source/sync`, { apply: options.apply === true });
        run.show(report, () => {
          const summary = `${report.domain}: ${report.accounts} account(s), ${report.directoryEntries} directory entr${report.directoryEntries === 1 ? 'y' : 'ies'}, ${report.direction}`;
          if (report.differences.length === 0) return `${summary}\nno differences`;
          return `${summary}\n${table(report.differences, columns)}`;
        });
        if (report.remaining > 0) {
          throw new CliError(EXIT.usage, `${report.remaining} difference(s) remain${report.applied ? ' after --apply' : '; --apply repairs them'}`);
        }
      }),
    );
}
