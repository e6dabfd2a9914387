import { Option, type Command } from 'commander';
import { CliError } from './cli-error.js';
import { invocationOf, type Environment, type Invocation } from './invocation.js';

/** A subcommand with its description and the examples its --help shows. */
export function leaf(parent: Command, spec: string, description: string, ...examples: string[]) {
  return parent
    .command(spec)
    .description(description)
    .addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`);
}

/** A command group (`domain`, `account`, ...) whose --help lists its subcommands. */
export function group(parent: Command, name: string, description: string, example: string) {
  return leaf(parent, name, description, example);
}

/** Wraps an action: the commander arguments after the Invocation, the Command dropped. */
export function act<Args extends unknown[]>(environment: Environment, handler: (invocation: Invocation, ...args: Args) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    await handler(invocationOf(environment, command), ...(args.slice(0, -1) as Args));
  };
}

/** --limit, --cursor and --all on a list command. */
export function paged(command: Command) {
  return command
    .option('--limit <n>', 'entries per page (the API caps it at 500)')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'fetch every page');
}

export function choice(flags: string, description: string, values: readonly string[]) {
  return new Option(flags, description).choices(values as string[]);
}

export function splitAddress(address: string) {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw CliError.usage(`"${address}" is not an address like name@domain`);
  return { localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

const SWITCH: Record<string, boolean> = { on: true, off: false, true: true, false: false, yes: true, no: false, enable: true, disable: false };

export function onOff(value: string): boolean {
  const parsed = SWITCH[value.toLowerCase()];
  if (parsed === undefined) throw CliError.usage(`"${value}" is neither on nor off`);
  return parsed;
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw CliError.usage(`"${value}" is not a whole number`);
  return Number(value);
}

/** Repeated options (--member a --member b) collect into a list. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The members of a request body that were given, so PATCH leaves the others as they are. */
export function given<T extends Record<string, unknown>>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** "null" / "none" on an option that can be cleared (a class of service, a display name). */
export function orNull(value: string | undefined) {
  return value === undefined ? undefined : value === 'none' ? null : value;
}
