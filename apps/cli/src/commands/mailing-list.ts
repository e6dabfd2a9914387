import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, choice, collect, given, group, leaf, orNull, paged, splitAddress } from '../define.js';
import type { Environment } from '../invocation.js';

const POLICIES = ['anyone', 'members', 'owners'];

const columns: Array<Column<any>> = [
  ['ADDRESS', (l) => l.address],
  ['NAME', (l) => l.name],
  ['POSTING', (l) => l.postingPolicy],
  ['MEMBERS', (l) => l.memberCount],
];

const memberColumns: Array<Column<any>> = [
  ['MEMBER', (m) => m.address],
  ['OWNER', (m) => (m.isOwner ? 'yes' : 'no')],
  ['ADDED', (m) => m.addedAt],
];

export function registerMailingList(program: Command, environment: Environment) {
  const list = group(program, 'list', 'Mailing lists and their members', 'schoolmail list member list staff@district1.k12.us');

  leaf(list, 'add <address>', 'Create a mailing list', 'schoolmail list add staff@district1.k12.us --name "All staff" --member jane@district1.k12.us')
    .option('--name <name>', 'display name')
    .addOption(choice('--posting-policy <policy>', 'who may post', POLICIES))
    .option('--member <address>', 'initial member (repeat the option)', collect)
    .action(
      act(environment, async (run, address: string, options: { name?: string; postingPolicy?: string; member?: string[] }) => {
        const { localPart, domain } = splitAddress(address);
        const body = given({ localPart, name: options.name, postingPolicy: options.postingPolicy, members: options.member });
        const created = await run.create(path`/domains/${domain}/lists`, body, () => run.api.get(path`/lists/${address}`));
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(list, 'list <domain>', 'List the mailing lists of a domain', 'schoolmail list list district1.k12.us'))
    .option('--q <text>', 'address or name contains')
    .action(
      act(environment, async (run, domain: string, options: { q?: string }) => {
        await run.list(path`/domains/${domain}/lists`, { q: options.q }, options, columns);
      }),
    );

  leaf(list, 'show <address>', 'Show a mailing list', 'schoolmail list show staff@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      const found = await run.api.get(path`/lists/${address}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(list, 'set <address>', 'Change a mailing list ("none" clears the name)', 'schoolmail list set staff@district1.k12.us --posting-policy owners')
    .option('--name <name>', 'display name, or none')
    .addOption(choice('--posting-policy <policy>', 'who may post', POLICIES))
    .action(
      act(environment, async (run, address: string, options: { name?: string; postingPolicy?: string }) => {
        const updated = await run.api.patch(path`/lists/${address}`, given({ name: orNull(options.name), postingPolicy: options.postingPolicy }));
        run.show(updated, () => record(updated));
      }),
    );

  leaf(list, 'rm <address>', 'Delete a mailing list', 'schoolmail list rm staff@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      await run.api.delete(path`/lists/${address}`);
      run.print(run.json ? '' : `deleted mailing list ${address}`);
    }),
  );

  const member = group(list, 'member', 'Members of a mailing list', 'schoolmail list member add staff@district1.k12.us bob@example.org');

  paged(leaf(member, 'list <list>', 'List the members', 'schoolmail list member list staff@district1.k12.us --all')).action(
    act(environment, async (run, address: string, options: object) => {
      await run.list(path`/lists/${address}/members`, {}, options, memberColumns);
    }),
  );

  leaf(member, 'add <list> <members...>', 'Add members (adding a member twice is harmless)', 'schoolmail list member add staff@district1.k12.us bob@example.org --owner')
    .option('--owner', 'the members own the list')
    .action(
      act(environment, async (run, address: string, members: string[], options: { owner?: boolean }) => {
        const added = [];
        for (const one of members) added.push(await run.api.put(path`/lists/${address}/members/${one}`, given({ isOwner: options.owner })));
        run.show(added, () => `${address}: ${members.join(', ')} added`);
      }),
    );

  leaf(member, 'rm <list> <members...>', 'Remove members', 'schoolmail list member rm staff@district1.k12.us bob@example.org').action(
    act(environment, async (run, address: string, members: string[]) => {
      for (const one of members) await run.api.delete(path`/lists/${address}/members/${one}`);
      run.print(run.json ? '' : `${address}: ${members.join(', ')} removed`);
    }),
  );
}
