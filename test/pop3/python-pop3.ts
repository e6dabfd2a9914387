/** Runs the poplib script (pop3_client.py) with a list of steps; answers what each step got. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type Pop3Step = [string, ...unknown[]];

export interface Pop3StepResult {
  step: string;
  ok: boolean;
  resp?: string;
  lines?: string[];
  octets?: number;
  count?: number;
  capa?: Record<string, string[]>;
  error?: string;
}

export interface Pop3Run {
  welcome?: string;
  error?: string;
  steps: Pop3StepResult[];
}

const script = join(import.meta.dirname, 'pop3_client.py');

export function pythonPop3(spec: { port: number; steps: Pop3Step[]; ssl?: boolean; cafile?: string }): Promise<Pop3Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`python pop3 client exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as Pop3Run);
    });
    child.stdin.end(JSON.stringify({ host: '127.0.0.1', ...spec }));
  });
}

/** The step results by name (the last one of that name). */
export const stepOf = (run: Pop3Run, name: string) => run.steps.filter((s) => s.step === name).at(-1);
