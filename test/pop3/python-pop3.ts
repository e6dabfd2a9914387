/** Runs the poplib script (pop3_client.py) with a list of steps; answers what each step got. */
import { runPythonClient } from '../support/python.js';
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
  return runPythonClient<Pop3Run>(script, { host: '127.0.0.1', ...spec });
}

/** The step results by name (the last one of that name). */
export const stepOf = (run: Pop3Run, name: string) => run.steps.filter((s) => s.step === name).at(-1);
