#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm run build`); this file only points there.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (existsSync(main)) {
  await import(main.href);
} else {
  process.stderr.write('schoolmail: the CLI is not built yet; run "npm run build" first\n');
  process.exitCode = 1;
}
