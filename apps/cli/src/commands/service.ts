import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { path } from '../http.js';
import { cellText, record, table, type Column } from '../output.js';
import { act, group, leaf, onOff } from '../define.js';
import type { Environment, Invocation } from '../invocation.js';

/** An address names an account, anything else a domain. */
const isAccount = (target: string) => target.includes('@');
const resourceOf = (target: string) => (isAccount(target) ? path`/accounts/${target}` : path`/domains/${target}`);

/** `imap off pop3 on` (or `imap=off`) into `{ imap: false, pop3: true }`. */
export function parseToggles(words: string[]): Record<string, boolean> {
  const tokens = words.flatMap((word) => word.split('='));
  if (tokens.length % 2 !== 0) throw CliError.usage('give each service with on or off, e.g. "imap off pop3 on"');
  const toggles: Record<string, boolean> = {};
  for (let index = 0; index < tokens.length; index += 2) toggles[tokens[index]!] = onOff(tokens[index + 1]!);
  return toggles;
}

const decisionColumns: Array<Column<[string, any]>> = [
  ['SETTING', ([name]) => name],
  ['VALUE', ([, decision]) => decision.value],
  ['DECIDED BY', ([, decision]) => `${decision.decidedBy.level} ${decision.decidedBy.name}`],
  ['WHY', ([, decision]) => decision.reason],
];

async function showEffective(run: Invocation, address: string) {
  const settings = await run.api.get(path`/accounts/${address}/effective-settings`);
  run.show(settings, () => {
    const rows: Array<[string, any]> = [
      ...Object.entries(settings.services as Record<string, unknown>),
      ...['maxMessageSizeKb', 'mailboxQuotaMb', 'maxRecipients', 'sendingRatePerHour', 'status'].filter((name) => settings[name]).map((name): [string, any] => [name, settings[name]]),
    ];
    const cos = settings.classOfService ? `class of service: ${settings.classOfService.name}` : 'class of service: none';
    const lists = (settings.wordLists as Array<{ name: string; action: string }>).map((list) => `${list.name} (${list.action})`);
    return `account: ${settings.account}\n${cos}\nword lists: ${cellText(lists)}\n\n${table(rows, decisionColumns)}`;
  });
}

export function registerService(program: Command, environment: Environment) {
  const service = group(program, 'service', 'Services (smtp, imap, pop3, webmail, rpop) of a domain or an account', 'schoolmail service show jane@district1.k12.us');

  leaf(service, 'set <target> <toggles...>', 'Switch services on or off for a domain or an account (an address)', 'schoolmail service set district1.k12.us pop3 off', 'schoolmail service set jane@district1.k12.us imap off webmail on').action(
    act(environment, async (run, target: string, words: string[]) => {
      const updated = await run.api.patch(resourceOf(target), { services: parseToggles(words) });
      run.show(updated, () => record({ services: updated.services }));
    }),
  );

  leaf(service, 'show <target>', "A domain's toggles, or an account's effective settings and why", 'schoolmail service show jane@district1.k12.us', 'schoolmail service show district1.k12.us').action(
    act(environment, async (run, target: string) => {
      if (isAccount(target)) return showEffective(run, target);
      const domain = await run.api.get(path`/domains/${target}`);
      run.show(domain.services, () => record({ services: domain.services }));
    }),
  );
}
