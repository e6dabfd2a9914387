import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { path } from '../http.js';
import { record, type Column } from '../output.js';
import { readSecret } from '../secret-input.js';
import { act, choice, given, group, leaf, orNull, paged, splitAddress } from '../define.js';
import type { Environment, Invocation } from '../invocation.js';

const STATUSES = ['active', 'suspended', 'locked'];

const megabytes = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : `${Math.round(bytes / 1048576)}M`);

const columns: Array<Column<any>> = [
  ['ADDRESS', (a) => a.address],
  ['NAME', (a) => a.displayName],
  ['STATUS', (a) => a.status],
  ['COS', (a) => a.classOfService],
  ['QUOTA', (a) => `${megabytes(a.quota?.usedBytes)}/${megabytes(a.quota?.limitBytes) ?? 'unlimited'}`],
];

interface SecretOptions {
  password?: string;
  passwordHash?: string;
  passwordStdin?: boolean;
}

/** --password (for batch files), --password-hash (migrations) or --password-stdin (interactive use). */
function withSecretOptions(command: Command) {
  return command
    .option('--password <password>', 'the new password (visible in the process list: prefer --password-stdin)')
    .option('--password-hash <hash>', 'a scheme-tagged hash such as {SHA512-CRYPT}$6$...')
    .option('--password-stdin', 'read the password from standard input (or a prompt)');
}

async function secretOf(run: Invocation, options: SecretOptions) {
  if (options.passwordStdin) {
    if (options.password !== undefined) throw CliError.usage('give --password or --password-stdin, not both');
    return { password: await readSecret(run.environment, 'Password: ') };
  }
  return given({ password: options.password, passwordHash: options.passwordHash });
}

async function setStatus(run: Invocation, address: string, status: string) {
  const updated = await run.api.patch(path`/accounts/${address}`, { status });
  run.show(updated, () => `${address}: ${updated.status}`);
}

/** The local part of NEW, which may be given as a whole address as long as it is in the account's domain. */
function newLocalPart(address: string, newAddress: string) {
  if (!newAddress.includes('@')) return newAddress;
  const from = splitAddress(address);
  const to = splitAddress(newAddress);
  if (to.domain.toLowerCase() !== from.domain.toLowerCase()) throw CliError.usage(`an account keeps its domain: "${newAddress}" is not in ${from.domain}`);
  return to.localPart;
}

export function registerAccount(program: Command, environment: Environment) {
  const account = group(program, 'account', 'Mailbox accounts', 'schoolmail account list district1.k12.us');

  withSecretOptions(leaf(account, 'add <address>', 'Create an account', 'schoolmail account add jane@district1.k12.us --display-name "Jane Doe" --password-stdin < password.txt'))
    .option('--display-name <name>', 'display name')
    .option('--cos <name>', 'class of service')
    .addOption(choice('--status <status>', 'initial status', STATUSES))
    .action(
      act(environment, async (run, address: string, options: SecretOptions & { displayName?: string; cos?: string; status?: string }) => {
        const { localPart, domain } = splitAddress(address);
        const body = given({ localPart, ...(await secretOf(run, options)), displayName: options.displayName, classOfService: options.cos, status: options.status });
        const created = await run.create(path`/domains/${domain}/accounts`, body, () => run.api.get(path`/accounts/${address}`));
        run.show(created, () => record(created));
      }),
    );

  paged(leaf(account, 'list <domain>', 'List the accounts of a domain', 'schoolmail account list district1.k12.us --subtree --all'))
    .option('--q <text>', 'address or name contains')
    .addOption(choice('--sort <field>', 'sort order', ['address', 'displayName', 'createdAt']))
    .option('--desc', 'descending order')
    .option('--subtree', 'include the sub-domains')
    .action(
      act(environment, async (run, domain: string, options: { q?: string; sort?: string; desc?: boolean; subtree?: boolean }) => {
        const query = { q: options.q, sort: options.sort, order: options.desc ? 'desc' : undefined, subtree: options.subtree ? 'true' : undefined };
        await run.list(path`/domains/${domain}/accounts`, query, options, columns);
      }),
    );

  leaf(account, 'show <address>', 'Show an account', 'schoolmail account show jane@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      const found = await run.api.get(path`/accounts/${address}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(account, 'set <address>', 'Change an account ("none" clears the display name or class of service)', 'schoolmail account set jane@district1.k12.us --cos teachers')
    .option('--display-name <name>', 'display name, or none')
    .option('--cos <name>', 'class of service, or none')
    .addOption(choice('--status <status>', 'status', STATUSES))
    .action(
      act(environment, async (run, address: string, options: { displayName?: string; cos?: string; status?: string }) => {
        const body = given({ displayName: orNull(options.displayName), classOfService: orNull(options.cos), status: options.status });
        const updated = await run.api.patch(path`/accounts/${address}`, body);
        run.show(updated, () => record(updated));
      }),
    );

  leaf(account, 'rename <address> <new>', 'Give an account a new address in its domain (NEW: a local part or an address in the same domain)', 'schoolmail account rename jsmith@district1.k12.us jane.jones')
    .option('--no-keep-old-address', 'free the old address instead of keeping it as an alias to the new one')
    .action(
      act(environment, async (run, address: string, newAddress: string, options: { keepOldAddress: boolean }) => {
        const localPart = newLocalPart(address, newAddress);
        const renamed = await run.api.post(path`/accounts/${address}/rename`, { localPart, keepOldAddressAsAlias: options.keepOldAddress });
        run.show(renamed, () => `${address} is now ${renamed.address}${options.keepOldAddress ? ` (${address} stays as an alias)` : ''}`);
      }),
    );

  withSecretOptions(leaf(account, 'passwd <address>', 'Set the password of an account', 'echo "$NEW_PASSWORD" | schoolmail account passwd jane@district1.k12.us --password-stdin')).action(
    act(environment, async (run, address: string, options: SecretOptions) => {
      await run.api.put(path`/accounts/${address}/password`, await secretOf(run, options));
      run.print(run.json ? '' : `password of ${address} changed`);
    }),
  );

  leaf(account, 'suspend <address>', 'Suspend an account', 'schoolmail account suspend jane@district1.k12.us').action(
    act(environment, (run, address: string) => setStatus(run, address, 'suspended')),
  );

  leaf(account, 'unsuspend <address>', 'Make a suspended account active again', 'schoolmail account unsuspend jane@district1.k12.us').action(
    act(environment, (run, address: string) => setStatus(run, address, 'active')),
  );

  leaf(account, 'rm <address>', 'Delete an account and its mailbox', 'schoolmail account rm jane@district1.k12.us').action(
    act(environment, async (run, address: string) => {
      await run.api.delete(path`/accounts/${address}`);
      run.print(run.json ? '' : `deleted account ${address}`);
    }),
  );
}
