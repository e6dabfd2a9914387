import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

export interface Credentials {
  url: string;
  apiKey: string;
}

export interface ConnectionFlags {
  url?: string;
  apiKey?: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env) {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'schoolmail', 'config.json');
}

function readConfigFile(path: string): Partial<Credentials> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<Credentials>;
    return { url: typeof parsed.url === 'string' ? parsed.url : undefined, apiKey: typeof parsed.apiKey === 'string' ? parsed.apiKey : undefined };
  } catch {
    throw CliError.usage(`${path} is not valid JSON; run "schoolmail login" again`);
  }
}

/** Flags win over the environment, which wins over the file `schoolmail login` wrote. */
export function resolveCredentials(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Credentials {
  const file = readConfigFile(configPath(env));
  const url = flags.url ?? env.SCHOOLMAIL_URL ?? file.url;
  const apiKey = flags.apiKey ?? env.SCHOOLMAIL_API_KEY ?? file.apiKey;
  if (!url) throw CliError.usage('no API URL: pass --url, set SCHOOLMAIL_URL, or run "schoolmail login"');
  if (!apiKey) throw CliError.usage('no API key: pass --api-key, set SCHOOLMAIL_API_KEY, or run "schoolmail login"');
  return { url, apiKey };
}

/** Written readable by the owner only: the file holds a secret. */
export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env) {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
