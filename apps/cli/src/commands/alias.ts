import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, group, leaf, paged, splitAddress } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['ADDRESS', (a) => a.address],
  ['TARGETS', (a) => a.targets],
];

export function registerAlias(program: Command, environment: Environment) {
  const alias = group(program, 'alias', 'Aliases: addresses that forward to others', 'schoolmail alias list district1.k12.us');

  leaf(alias, 'add <address> <targets...>', 'Create an alias', 'schoolmail alias add info@district1.k12.us jane@district1.k12.us bob@district1.k12.us').action(
    act(environment, async (run, address: string, targets: string[]) => {
      const { localPart, domain } = splitAddress(address);
      const created = await run.create(path`/domains/${domain}/aliases`, { localPart, targets }, () => run.api.get(path`/aliases/${address}`));
      run.show(created, () => record(created));
    }),
  );

  paged(leaf(alias, 'list <domain>', 'List the aliases of a domain', 'schoolmail alias list district1.k12.us --q info'))
    .option('--q <text>', 'address contains')
    .action(
      act(environment, async (run, domain: string, options: { q?: string }) => {
        await run.list(path`/domains/${domain}/aliases`, { q: options.q }, options, columns);
      }),
    );

  leaf(alias, 'show <address>', 'Show an alias', 'schoolmail alias show info@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      const found = await run.api.get(path`/aliases/${address}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(alias, 'set <address> <targets...>', 'Replace the targets of an alias', 'schoolmail alias set info@district1.k12.us office@district1.k12.us').action(
    act(environment, async (run, address: string, targets: string[]) => {
      const updated = await run.api.patch(path`/aliases/${address}`, { targets });
      run.show(updated, () => record(updated));
    }),
  );

  leaf(alias, 'rm <address>', 'Delete an alias', 'schoolmail alias rm info@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      await run.api.delete(path`/aliases/${address}`);
      run.print(run.json ? '' : `deleted alias ${address}`);
    }),
  );
}
