import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { saveCredentials } from '../config.js';
import { ApiClient } from '../http.js';
import { record } from '../output.js';
import { readSecret } from '../secret-input.js';
import { act, leaf } from '../define.js';
import type { Environment } from '../invocation.js';

export function registerLogin(program: Command, environment: Environment) {
  leaf(
    program,
    'login',
    'Check an API key against the API and remember both in ~/.config/schoolmail/config.json (mode 0600); the key is read from a prompt or standard input',
    'schoolmail login --url https://mail.example.net < key.txt',
  )
    .summary('Remember the API address and an API key (read from a prompt or standard input)')
    .action(
    act(environment, async (run) => {
      const apiUrl = run.globals.url ?? environment.env.SCHOOLMAIL_URL;
      if (!apiUrl) throw CliError.usage('give the API address: schoolmail login --url https://mail.example.net');
      const apiKey = await readSecret(environment, 'API key: ');
      const me = await new ApiClient(apiUrl, apiKey).get('/auth/me');
      const file = saveCredentials({ url: apiUrl, apiKey }, environment.env);
      run.show(me, () => `logged in as ${me.name} (${me.role}); saved to ${file}`);
    }),
  );

  leaf(program, 'whoami', 'Who the API key is, its role and where it applies', 'schoolmail whoami').action(
    act(environment, async (run) => {
      const me = await run.api.get('/auth/me');
      const grants = (me.grants as Array<{ role?: string; permissionSet?: string; domain: string | null }>).map((g) => `${g.role ?? g.permissionSet}${g.domain ? `@${g.domain}` : ''}`);
      run.show(me, () => record({ name: me.name, kind: me.kind, role: me.role, grants }));
    }),
  );
}
