import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Environment } from './invocation.js';
import { registerAccount } from './commands/account.js';
import { registerAdmin } from './commands/admin.js';
import { registerAlias } from './commands/alias.js';
import { registerApikey } from './commands/apikey.js';
import { registerAudit } from './commands/audit.js';
import { registerBatch } from './commands/batch.js';
import { registerCompletion } from './commands/completion.js';
import { registerCos } from './commands/cos.js';
import { registerDomain } from './commands/domain.js';
import { registerGroup } from './commands/group.js';
import { registerLogin } from './commands/login.js';
import { registerMailingList } from './commands/mailing-list.js';
import { registerQueue } from './commands/queue.js';
import { registerService } from './commands/service.js';
import { registerWordlist } from './commands/wordlist.js';
import { registerWebhook } from './commands/webhook.js';
import { registerJob } from './commands/job.js';
import { registerMigrate } from './commands/migrate.js';
import { registerCluster } from './commands/cluster.js';
import { registerLdap } from './commands/ldap.js';

const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 usage or invalid input, 2 not found, 3 forbidden (401/403),
4 conflict (409/412), 5 server or network error.
Connection: --url/--api-key, else SCHOOLMAIL_URL/SCHOOLMAIL_API_KEY, else "schoolmail login".

Example:
  $ SCHOOLMAIL_URL=https://mail.example.net SCHOOLMAIL_API_KEY=smk_... schoolmail domain list --json
`;

export function createProgram(environment: Environment): Command {
  const program = new Command('schoolmail')
    .description('Provision Schoolmail through its REST API')
    .option('--url <url>', 'API address (default: SCHOOLMAIL_URL or the login file)')
    .option('--api-key <key>', 'API key (default: SCHOOLMAIL_API_KEY or the login file)')
    .option('--json', "print the API's JSON as is")
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.stdout(text),
      writeErr: (text) => environment.stderr(text),
      outputError: (text, write) => write(text),
    })
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of [
    registerDomain,
    registerAccount,
    registerAlias,
    registerMailingList,
    registerGroup,
    registerCos,
    registerWordlist,
    registerService,
    registerQueue,
    registerAdmin,
    registerApikey,
    registerAudit,
    registerWebhook,
    registerJob,
    registerMigrate,
    registerCluster,
    registerLdap,
    registerLogin,
    registerCompletion,
  ]) {
    register(program, environment);
  }
  registerBatch(program, environment, runWords);
  return program;
}

/** Runs one command line; never throws: failures become an exit code and a message. */
export async function runWords(words: string[], environment: Environment): Promise<{ code: ExitCode; error?: string }> {
  // In a batch, commander's own messages (usage errors, help) go into the result line instead.
  let commanderMessage = '';
  const quiet = environment.batch ? { ...environment, stdout: () => {}, stderr: (text: string) => (commanderMessage += text) } : environment;
  try {
    await createProgram(quiet).parseAsync(words, { from: 'user' });
    return { code: EXIT.ok };
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return { code: EXIT.ok };
      return { code: EXIT.usage, error: (commanderMessage.split('\n')[0] || error.message).replace(/^error: /, '') };
    }
    if (error instanceof CliError) {
      if (error.message && !environment.batch) environment.stderr(`schoolmail: ${error.describe()}\n`);
      return { code: error.exitCode, error: error.message };
    }
    const message = error instanceof Error ? error.message : String(error);
    environment.stderr(`schoolmail: unexpected error: ${message}\n`);
    return { code: EXIT.server, error: message };
  }
}
