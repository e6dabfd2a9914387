import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, collect, given, group as commandGroup, leaf, orNull, paged, splitAddress } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['ADDRESS', (g) => g.address],
  ['NAME', (g) => g.name],
  ['MEMBERS', (g) => g.memberCount],
];

const memberColumns: Array<Column<any>> = [
  ['MEMBER', (m) => m.address],
  ['NAME', (m) => m.displayName],
  ['ADDED', (m) => m.addedAt],
];

export function registerGroup(program: Command, environment: Environment) {
  const group = commandGroup(program, 'group', 'Groups of accounts (distribution and policy targets)', 'schoolmail group member list teachers@district1.k12.us');

  leaf(group, 'add <address>', 'Create a group', 'schoolmail group add teachers@district1.k12.us --name Teachers --member jane@district1.k12.us')
    .option('--name <name>', 'display name')
    .option('--member <address>', 'initial member account (repeat the option)', collect)
    .action(
      act(environment, async (run, address: string, options: { name?: string; member?: string[] }) => {
        const { localPart, domain } = splitAddress(address);
        const body = given({ localPart, name: options.name, members: options.member });
        const created = await run.create(path`/domains/${domain}/groups`, body, () => run.api.get(path`/groups/${address}`));
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(group, 'list <domain>', 'List the groups of a domain', 'schoolmail group list district1.k12.us'))
    .option('--q <text>', 'address or name contains')
    .action(
      act(environment, async (run, domain: string, options: { q?: string }) => {
        await run.list(path`/domains/${domain}/groups`, { q: options.q }, options, columns);
      }),
    );

  leaf(group, 'show <address>', 'Show a group', 'schoolmail group show teachers@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      const found = await run.api.get(path`/groups/${address}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(group, 'set <address>', 'Change a group ("none" clears the name)', 'schoolmail group set teachers@district1.k12.us --name "All teachers"')
    .option('--name <name>', 'display name, or none')
    .action(
      act(environment, async (run, address: string, options: { name?: string }) => {
        const updated = await run.api.patch(path`/groups/${address}`, given({ name: orNull(options.name) }));
        run.show(updated, () => record(updated));
      }),
    );

  leaf(group, 'rm <address>', 'Delete a group', 'schoolmail group rm teachers@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      await run.api.delete(path`/groups/${address}`);
      run.print(run.json ? '' : `deleted group ${address}`);
    }),
  );

  const member = commandGroup(group, 'member', 'Members of a group', 'schoolmail group member add teachers@district1.k12.us jane@district1.k12.us');

  paged(leaf(member, 'list <group>', 'List the members', 'schoolmail group member list teachers@district1.k12.us --all')).action(
    act(environment, async (run, address: string, options: object) => {
      await run.list(path`/groups/${address}/members`, {}, options, memberColumns);
    }),
  );

  leaf(member, 'add <group> <members...>', 'Add member accounts (adding one twice is harmless)', 'schoolmail group member add teachers@district1.k12.us jane@district1.k12.us').action(
    act(environment, async (run, address: string, members: string[]) => {
      const added = [];
      for (const one of members) added.push(await run.api.put(path`/groups/${address}/members/${one}`));
      run.show(added, () => `${address}: ${members.join(', ')} added`);
    }),
  );

  leaf(member, 'rm <group> <members...>', 'Remove member accounts', 'schoolmail group member rm teachers@district1.k12.us jane@district1.k12.us').action(
    act(environment, async (run, address: string, members: string[]) => {
      for (const one of members) await run.api.delete(path`/groups/${address}/members/${one}`);
      run.print(run.json ? '' : `${address}: ${members.join(', ')} removed`);
    }),
  );
}
