/**
 * The independent protocol clients of the tests are small Python scripts (smtplib, imaplib,
 * poplib): each reads one JSON request on stdin and prints one JSON result.
 */
import { spawn } from 'node:child_process';

export function runPythonClient<T>(script: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`python client ${script} exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout) as T);
    });
    child.stdin.end(JSON.stringify(request));
  });
}
