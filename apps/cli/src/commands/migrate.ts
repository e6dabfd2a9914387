import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { path } from '../http.js';
import { record } from '../output.js';
import { act, choice, given, group, leaf, wholeNumber } from '../define.js';
import type { Environment, Invocation } from '../invocation.js';
import { readSecret } from '../secret-input.js';
import { watchJob } from './job.js';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw CliError.usage(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The `.qmail-<name>` files of a directory, as the API takes them. */
async function qmailFiles(directory: string) {
  const names = (await readdir(directory).catch((error: Error) => {
    throw CliError.usage(`cannot read ${directory}: ${error.message}`);
  })).filter((name) => name.startsWith('.qmail-'));
  return Promise.all(names.map(async (name) => ({ name: basename(name), content: await readText(join(directory, name)) })));
}

/** Starts an import job, then follows it (unless --no-wait) and prints its outcome. */
async function startImport(run: Invocation, route: string, body: Record<string, unknown>, wait: boolean) {
  const job = await run.api.post(route, body);
  if (!wait) {
    run.show(job, () => `started job ${job.id} (follow it with: schoolmail job watch ${job.id})`);
    return;
  }
  const finished = await watchJob(run, job.id);
  const summary = `${finished.dryRun ? 'dry run ' : ''}job ${finished.id} ${finished.status}: ${finished.succeeded} imported, ${finished.skipped} skipped, ${finished.failed} failed (details: schoolmail job report ${finished.id})`;
  if (finished.status !== 'succeeded') throw new CliError(EXIT.server, `${summary}${finished.error ? `: ${finished.error}` : ''}`);
  run.show(finished, () => summary);
}

export function registerMigrate(program: Command, environment: Environment) {
  const migrate = group(program, 'migrate', 'Move customers off vpopmail/qmail or another IMAP server, at their own pace', 'schoolmail migrate vpopmail district1.k12.us vpasswd --dry-run');

  leaf(migrate, 'vpopmail <domain> <file>', 'Import the accounts of a vpopmail domain (vpasswd file, or --csv for a MySQL export)', 'schoolmail migrate vpopmail district1.k12.us /backup/vpasswd --valias valias.csv --qmail-dir /backup/domains/district1.k12.us --dry-run')
    .option('--csv', 'the file is a CSV export of the vpopmail table (pw_name, pw_domain, pw_passwd, ...)')
    .option('--valias <file>', 'CSV export of the valias table: aliases to create')
    .option('--qmail-dir <dir>', "directory holding the domain's .qmail-<name> forward files")
    .option('--dry-run', 'report what would be imported, change nothing')
    .option('--no-wait', 'start the job and return at once')
    .action(
      act(environment, async (run, domain: string, file: string, options: { csv?: boolean; valias?: string; qmailDir?: string; dryRun?: boolean; wait: boolean }) => {
        const body = given({
          domain,
          format: options.csv ? 'csv' : 'vpasswd',
          content: await readText(file),
          valias: options.valias ? await readText(options.valias) : undefined,
          qmailFiles: options.qmailDir ? await qmailFiles(options.qmailDir) : undefined,
          dryRun: options.dryRun === true,
        });
        await startImport(run, '/migration/vpopmail', body, options.wait);
      }),
    );

  leaf(migrate, 'maildir <path>', "Import Maildir trees from the server's migration directory", 'schoolmail migrate maildir domains/district1.k12.us --domain district1.k12.us')
    .option('--domain <domain>', 'every mailbox of the domain (vpopmail layout <user>/Maildir under path)')
    .option('--account <address>', 'one account, whose Maildir is path')
    .option('--dry-run', 'report what would be imported, change nothing')
    .option('--no-wait', 'start the job and return at once')
    .action(
      act(environment, async (run, source: string, options: { domain?: string; account?: string; dryRun?: boolean; wait: boolean }) => {
        await startImport(run, '/migration/maildir', given({ path: source, domain: options.domain, account: options.account, dryRun: options.dryRun === true }), options.wait);
      }),
    );

  leaf(migrate, 'imap <account>', "Copy every folder of a mailbox from another IMAP server (again later: only what is new)", 'schoolmail migrate imap jane@district1.k12.us --host old.example.org --user jane --password-stdin < pw.txt')
    .requiredOption('--host <host>', 'the old IMAP server')
    .option('--port <port>', 'its port (default 993)', wholeNumber)
    .option('--starttls', 'plain connection upgraded with STARTTLS instead of TLS from the start')
    .requiredOption('--user <user>', 'the login on the old server')
    .option('--password-stdin', 'read the old password from standard input (or a prompt); the default')
    .option('--insecure', "accept the old server's certificate without checking it")
    .option('--dry-run', 'report what would be imported, change nothing')
    .option('--no-wait', 'start the job and return at once')
    .action(
      act(environment, async (run, account: string, options: { host: string; port?: number; starttls?: boolean; user: string; insecure?: boolean; dryRun?: boolean; wait: boolean }) => {
        const password = await readSecret(environment, `Password of ${options.user} on ${options.host}: `);
        const body = given({
          account,
          host: options.host,
          port: options.port,
          secure: options.starttls ? false : undefined,
          user: options.user,
          password,
          verifyCertificate: options.insecure ? false : undefined,
          dryRun: options.dryRun === true,
        });
        await startImport(run, '/migration/imap', body, options.wait);
      }),
    );

  leaf(migrate, 'state <domain> [state]', 'Show or set where a domain stands (pending, migrating, live)', 'schoolmail migrate state district1.k12.us migrating --forward-to old-mx.example.org:25')
    .addOption(choice('--state <state>', 'same as the [state] argument', ['pending', 'migrating', 'live']))
    .option('--forward-to <host:port>', 'while migrating: the old platform, which takes mail for addresses not imported yet')
    .action(
      act(environment, async (run, domain: string, state: string | undefined, options: { state?: string; forwardTo?: string }) => {
        const wanted = state ?? options.state;
        const current = wanted
          ? await run.api.patch(path`/migration/domains/${domain}`, given({ state: wanted, forwardTo: options.forwardTo }))
          : await run.api.get(path`/migration/domains/${domain}`);
        run.show(current, () => record(current));
      }),
    );
}
