#!/usr/bin/env node
// Runs the whole test suite (Vitest) and ends with one line "N passed, N failed, N skipped",
// which CI reads; the exit code is Vitest's.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const results = 'test-output/results.json';
rmSync(results, { force: true });
const run = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that fails before its tests run (e.g. an import error) counts as one failure.
  const brokenFiles = (report.testResults ?? []).filter((file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'));
  failed = (report.numFailedTests ?? 0) + brokenFiles.length;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1;
}
// Vitest's own exit status is not trusted alone: a failed test must fail the run.
const status = failed > 0 ? 1 : (run.status ?? 1);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
