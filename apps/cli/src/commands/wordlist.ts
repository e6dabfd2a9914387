import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { path } from '../http.js';
import { record, table, type Column } from '../output.js';
import { act, choice, collect, given, group, leaf, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const SCOPES = ['system', 'domain', 'account'];
const ACTIONS = ['reject', 'quarantine', 'tag'];
const DIRECTIONS = ['inbound', 'outbound', 'both'];

const columns: Array<Column<any>> = [
  ['ID', (w) => w.id],
  ['NAME', (w) => w.name],
  ['SCOPE', (w) => w.scope],
  ['OWNER', (w) => w.account ?? w.domain],
  ['ACTION', (w) => w.action],
  ['DIRECTION', (w) => w.direction],
  ['ENTRIES', (w) => w.entryCount],
];

const matchColumns: Array<Column<any>> = [
  ['LIST', (m) => `${m.listName} (${m.listId})`],
  ['ENTRY', (m) => m.entry],
  ['WHERE', (m) => m.where],
  ['ACTION', (m) => m.action],
  ['EXCERPT', (m) => m.excerpt],
];

export function registerWordlist(program: Command, environment: Environment) {
  const wordlist = group(program, 'wordlist', 'Word lists: words and phrases that reject, quarantine or tag mail', 'schoolmail wordlist list --scope system');

  leaf(wordlist, 'add <name>', 'Create a word list', 'schoolmail wordlist add "Profanity" --scope domain --domain district1.k12.us --action quarantine --entry "bad word"')
    .addOption(choice('--scope <scope>', 'where it applies', SCOPES).makeOptionMandatory())
    .option('--domain <domain>', 'the domain (scope domain)')
    .option('--account <address>', 'the mailbox (scope account)')
    .addOption(choice('--action <action>', 'what a match does', ACTIONS))
    .addOption(choice('--direction <direction>', 'which mail it checks', DIRECTIONS))
    .option('--entry <text>', 'a word or phrase (repeat the option)', collect)
    .action(
      act(environment, async (run, name: string, options: { scope: string; domain?: string; account?: string; action?: string; direction?: string; entry?: string[] }) => {
        const body = given({ name, scope: options.scope, domain: options.domain, account: options.account, action: options.action, direction: options.direction, entries: options.entry });
        const created = await run.create('/word-lists', body, async () => {
          const page = await run.api.get('/word-lists', given({ scope: options.scope, domain: options.domain, account: options.account, q: name, limit: 500 }));
          const same = page.items.find((list: { name: string }) => list.name === name);
          return same && run.api.get(path`/word-lists/${same.id}`);
        });
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(wordlist, 'list', 'List the word lists I can see', 'schoolmail wordlist list --domain district1.k12.us'))
    .addOption(choice('--scope <scope>', 'only this scope', SCOPES))
    .option('--domain <domain>', 'only this domain')
    .option('--account <address>', 'only this mailbox')
    .option('--q <text>', 'name contains')
    .action(
      act(environment, async (run, options: { scope?: string; domain?: string; account?: string; q?: string }) => {
        await run.list('/word-lists', { scope: options.scope, domain: options.domain, account: options.account, q: options.q }, options, columns);
      }),
    );

  leaf(wordlist, 'show <id>', 'Show a word list with its entries', 'schoolmail wordlist show 3').action(
    act(environment, async (run, id: string) => {
      const found = await run.api.get(path`/word-lists/${id}`);
      run.show(found, () => record(found, ['entries']) + '\nentries:\n' + found.entries.map((entry: string) => `  ${entry}`).join('\n'));
    }),
  );

  leaf(wordlist, 'set <id>', 'Change a word list', 'schoolmail wordlist set 3 --action tag --direction inbound')
    .option('--name <name>', 'new name')
    .addOption(choice('--action <action>', 'what a match does', ACTIONS))
    .addOption(choice('--direction <direction>', 'which mail it checks', DIRECTIONS))
    .action(
      act(environment, async (run, id: string, options: { name?: string; action?: string; direction?: string }) => {
        const updated = await run.api.patch(path`/word-lists/${id}`, given({ name: options.name, action: options.action, direction: options.direction }));
        run.show(updated, () => record(updated, ['entries']));
      }),
    );

  leaf(wordlist, 'rm <id>', 'Delete a word list', 'schoolmail wordlist rm 3').action(
    act(environment, async (run, id: string) => {
      await run.api.delete(path`/word-lists/${id}`);
      run.print(run.json ? '' : `deleted word list ${id}`);
    }),
  );

  const entries = group(wordlist, 'entries', 'Entries of a word list', 'schoolmail wordlist entries add 3 "bad word" worse');
  for (const [verb, member, description] of [
    ['add', 'addEntries', 'Add entries (already present: kept once)'],
    ['rm', 'removeEntries', 'Remove entries'],
  ] as const) {
    leaf(entries, `${verb} <id> <entries...>`, description, `schoolmail wordlist entries ${verb} 3 "bad word" worse`).action(
      act(environment, async (run, id: string, words: string[]) => {
        const updated = await run.api.patch(path`/word-lists/${id}`, { [member]: words });
        run.show(updated, () => `word list ${id}: ${updated.entryCount} entries`);
      }),
    );
  }

  leaf(wordlist, 'test <account>', 'Dry run: which word lists match a message for a mailbox (sends nothing)', 'schoolmail wordlist test jane@district1.k12.us --subject "hello" --body "some text"', 'schoolmail wordlist test jane@district1.k12.us --raw message.eml')
    .option('--subject <text>', 'message subject')
    .option('--body <text>', 'message body')
    .option('--raw <file>', 'a whole RFC 5322 message from a file (- for standard input)')
    .addOption(choice('--direction <direction>', 'check as inbound or outbound mail', ['inbound', 'outbound']))
    .action(
      act(environment, async (run, account: string, options: { subject?: string; body?: string; raw?: string; direction?: string }) => {
        const raw = options.raw === undefined ? undefined : readMessage(options.raw);
        const result = await run.api.post('/word-lists/test', given({ account, direction: options.direction, subject: options.subject, body: options.body, raw }));
        run.show(result, () =>
          result.matches.length === 0
            ? `no match: the message would be accepted (${result.checked.length} word list(s) checked)`
            : `action: ${result.action}\n${table(result.matches, matchColumns)}`,
        );
      }),
    );
}

function readMessage(file: string) {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw CliError.usage(`cannot read ${file}: ${(error as Error).message}`);
  }
}
