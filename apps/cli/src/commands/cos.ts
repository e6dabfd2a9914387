import type { Command } from 'commander';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { act, collect, given, group, leaf, onOff, orNull, paged, wholeNumber } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['NAME', (c) => c.name],
  ['DOMAIN', (c) => c.domain],
  ['QUOTA_MB', (c) => c.mailboxQuotaMb],
  ['MSG_KB', (c) => c.maxMessageSizeKb],
  ['RCPTS', (c) => c.maxRecipients],
  ['RATE/H', (c) => c.sendingRatePerHour],
];

interface CosOptions {
  description?: string;
  quotaMb?: string;
  maxMessageKb?: string;
  maxRecipients?: string;
  ratePerHour?: string;
  wordList?: string[];
  service?: string[];
}

/** `--service imap=off` pairs into the `services` object. */
function servicesOf(pairs: string[] | undefined) {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const [name, value = ''] = pair.split('=', 2);
      return [name, onOff(value)];
    }),
  );
}

function bodyOf(options: CosOptions) {
  const number = (value: string | undefined) => (value === undefined ? undefined : wholeNumber(value));
  return given({
    description: orNull(options.description),
    mailboxQuotaMb: number(options.quotaMb),
    maxMessageSizeKb: number(options.maxMessageKb),
    maxRecipients: number(options.maxRecipients),
    sendingRatePerHour: options.ratePerHour === 'none' ? null : number(options.ratePerHour),
    wordLists: options.wordList?.map(wholeNumber),
    services: servicesOf(options.service),
  });
}

function limitOptions(command: Command) {
  return command
    .option('--description <text>', 'what it is for (none clears it)')
    .option('--quota-mb <mb>', 'mailbox quota in MB')
    .option('--max-message-kb <kb>', 'largest message in KB')
    .option('--max-recipients <n>', 'most recipients per message')
    .option('--rate-per-hour <n>', 'messages sent per hour, or none')
    .option('--word-list <id>', 'word list applied (repeat the option)', collect)
    .option('--service <name=on|off>', 'service allowed or not, e.g. pop3=off (repeat the option)', collect);
}

export function registerCos(program: Command, environment: Environment) {
  const cos = group(program, 'cos', 'Classes of service: quotas, limits and services for many accounts', 'schoolmail cos list');

  limitOptions(leaf(cos, 'add <name>', 'Create a class of service', 'schoolmail cos add teachers --quota-mb 4096 --max-message-kb 25600 --max-recipients 200 --service pop3=off'))
    .option('--domain <domain>', 'owned by this domain (default: platform-wide)')
    .action(
      act(environment, async (run, name: string, options: CosOptions & { domain?: string }) => {
        const body = { name, ...bodyOf(options), ...given({ domain: options.domain }) };
        const created = await run.create('/classes-of-service', body, () => run.api.get(path`/classes-of-service/${name}`));
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(cos, 'list', 'List the classes of service', 'schoolmail cos list --domain district1.k12.us'))
    .option('--q <text>', 'name contains')
    .option('--domain <domain>', 'those owned by this domain')
    .action(
      act(environment, async (run, options: { q?: string; domain?: string }) => {
        await run.list('/classes-of-service', { q: options.q, domain: options.domain }, options, columns);
      }),
    );

  leaf(cos, 'show <name>', 'Show a class of service and how many domains and accounts use it', 'schoolmail cos show teachers').action(
    act(environment, async (run, name: string) => {
      const found = await run.api.get(path`/classes-of-service/${name}`);
      const impact = run.json ? undefined : await run.api.get(path`/classes-of-service/${name}/impact`);
      run.show(found, () => record({ ...found, impact }));
    }),
  );

  limitOptions(leaf(cos, 'set <name>', 'Change a class of service', 'schoolmail cos set teachers --quota-mb 8192'))
    .option('--rename <name>', 'new name')
    .action(
      act(environment, async (run, name: string, options: CosOptions & { rename?: string }) => {
        const updated = await run.api.patch(path`/classes-of-service/${name}`, { ...bodyOf(options), ...given({ name: options.rename }) });
        run.show(updated, () => record(updated));
      }),
    );

  leaf(cos, 'rm <name>', 'Delete a class of service', 'schoolmail cos rm teachers').action(
    act(environment, async (run, name: string) => {
      await run.api.delete(path`/classes-of-service/${name}`);
      run.print(run.json ? '' : `deleted class of service ${name}`);
    }),
  );
}
