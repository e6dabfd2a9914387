import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shellWords } from '../shell-words.js';
import { act, leaf } from '../define.js';
import type { Environment } from '../invocation.js';

/** Runs one command line (already split into words) and answers its exit code and error. */
export type RunWords = (words: string[], environment: Environment) => Promise<{ code: ExitCode; error?: string }>;

/** The line as echoed in results: secrets given on it (for scripts' convenience) are masked. */
export function redact(line: string) {
  return line.replace(/(--(?:password|password-hash|api-key))(\s+|=)("[^"]*"|'[^']*'|\S+)/g, '$1$2***');
}

function readScript(file: string) {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw CliError.usage(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function registerBatch(program: Command, environment: Environment, runWords: RunWords) {
  leaf(
    program,
    'batch <file>',
    'Run one command per line of a file (- for standard input); prints "ok <line>" or "error <line>: <why>" for each, stops at the first error unless --continue; creates are safe to re-run',
    'schoolmail batch provisioning.txt',
    'printf "domain add d3.k12.us\\naccount add amy@d3.k12.us --password s3cret-pass\\n" | schoolmail batch - --continue',
  )
    .summary('Run one command per line of a file (- for standard input)')
    .option('--continue', 'go on after a failed line (the exit code is still the first failure\'s)')
    .action(
      act(environment, async (run, file: string, options: { continue?: boolean }) => {
        if (environment.batch) throw CliError.usage('a batch file cannot run another batch');
        const lines = readScript(file).split(/\r?\n/);
        let firstFailure: ExitCode = EXIT.ok;
        for (const [index, raw] of lines.entries()) {
          const line = raw.trim();
          const shown = redact(line);
          let words: string[];
          try {
            words = shellWords(line);
          } catch (error) {
            firstFailure ||= EXIT.usage;
            environment.stdout(`error ${shown}: line ${index + 1}: ${(error as Error).message}\n`);
            if (!options.continue) break;
            continue;
          }
          if (words.length === 0) continue;
          const lineEnvironment: Environment = { ...environment, batch: { line, lineNumber: index + 1 } };
          const globals = [...(run.globals.url ? ['--url', run.globals.url] : []), ...(run.globals.apiKey ? ['--api-key', run.globals.apiKey] : [])];
          const result = await runWords([...words, ...globals], lineEnvironment);
          if (result.code === EXIT.ok) {
            environment.stdout(`ok ${shown}\n`);
            continue;
          }
          firstFailure ||= result.code;
          environment.stdout(`error ${shown}: ${result.error}\n`);
          if (!options.continue) break;
        }
        if (firstFailure !== EXIT.ok) throw new CliError(firstFailure, '');
      }),
    );
}
