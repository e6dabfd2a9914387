// `npm run bench [-- name...]`: runs the benchmarks (all by default); each prints its figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const all = readdirSync(dir).filter((f) => f.endsWith('.mjs') && !['lib.mjs', 'run.mjs'].includes(f)).map((f) => f.replace(/\.mjs$/, ''));
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
let status = 0;
for (const name of chosen) {
  const run = spawnSync(process.execPath, [join(dir, `${name}.mjs`)], { stdio: 'inherit' });
  status ||= run.status ?? 1;
}
process.exit(status);
