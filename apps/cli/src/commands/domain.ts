import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, choice, given, group, leaf, orNull, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const STATUSES = ['active', 'suspended'];

export const domainColumns: Array<Column<any>> = [
  ['NAME', (d: any) => d.name],
  ['PARENT', (d: any) => d.parent],
  ['STATUS', (d: any) => d.status],
  ['COS', (d: any) => d.classOfService],
];

export function registerDomain(program: Command, environment: Environment) {
  const domain = group(program, 'domain', 'Mail domains and sub-domains', 'schoolmail domain list');

  leaf(domain, 'add <name>', 'Create a domain', 'schoolmail domain add west.district1.k12.us --parent district1.k12.us')
    .option('--parent <domain>', 'parent domain (makes this a sub-domain)')
    .option('--cos <name>', 'class of service')
    .addOption(choice('--status <status>', 'initial status', STATUSES))
    .action(
      act(environment, async (run, name: string, options: { parent?: string; cos?: string; status?: string }) => {
        const body = given({ name, parent: options.parent, classOfService: options.cos, status: options.status });
        const created = await run.create('/domains', body, () => run.api.get(path`/domains/${name}`));
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(domain, 'list', 'List the domains I can see', 'schoolmail domain list --parent district1.k12.us'))
    .option('--q <text>', 'name contains')
    .option('--parent <domain>', 'only the children of this domain')
    .action(
      act(environment, async (run, options: { q?: string; parent?: string }) => {
        await run.list('/domains', { q: options.q, parent: options.parent }, options, domainColumns);
      }),
    );

  leaf(domain, 'show <name>', 'Show a domain', 'schoolmail domain show district1.k12.us').action(
    act(environment, async (run, name: string) => {
      const found = await run.api.get(path`/domains/${name}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(domain, 'set <name>', 'Change a domain ("none" clears the parent or class of service)', 'schoolmail domain set west.district1.k12.us --cos teachers --status suspended')
    .option('--parent <domain>', 'new parent domain, or none')
    .option('--cos <name>', 'class of service, or none')
    .addOption(choice('--status <status>', 'status', STATUSES))
    .action(
      act(environment, async (run, name: string, options: { parent?: string; cos?: string; status?: string }) => {
        const updated = await run.api.patch(path`/domains/${name}`, given({ parent: orNull(options.parent), classOfService: orNull(options.cos), status: options.status }));
        run.show(updated, () => record(updated));
      }),
    );

  leaf(domain, 'rm <name>', 'Delete a domain (--force also deletes what it holds)', 'schoolmail domain rm old.district1.k12.us --force')
    .option('--force', 'delete its accounts, aliases, lists and sub-domains too')
    .action(
      act(environment, async (run, name: string, options: { force?: boolean }) => {
        await run.api.delete(path`/domains/${name}`, { force: options.force ? 'true' : undefined });
        run.print(run.json ? '' : `deleted domain ${name}`);
      }),
    );
}
