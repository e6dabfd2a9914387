import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';
import type { Environment } from './invocation.js';

/**
 * A secret from the terminal (typed without echo) or from piped standard input (its first
 * line), never from the command line, where other users could read it in the process list.
 */
export async function readSecret(environment: Environment, prompt: string): Promise<string> {
  const input = environment.stdin;
  const secret = input.isTTY ? await promptHidden(environment, prompt) : firstLine(await readAll(input));
  if (!secret) throw CliError.usage('no secret given on standard input');
  return secret;
}

async function readAll(input: NodeJS.ReadableStream) {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

const firstLine = (text: string) => text.split(/\r?\n/, 1)[0]!.trim();

function promptHidden(environment: Environment, prompt: string): Promise<string> {
  environment.stderr(prompt);
  const reader = createInterface({ input: environment.stdin, terminal: true, output: undefined });
  return new Promise((resolve) => {
    reader.question('', (answer) => {
      reader.close();
      environment.stderr('\n');
      resolve(answer.trim());
    });
  });
}
