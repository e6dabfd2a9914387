/**
 * The console's pages carry a Content-Security-Policy that lets exactly the inline scripts
 * of each built page run (by SHA-256), plus the usual hardening headers; a rebuilt page gets
 * its new hashes without a restart. (test/console/self-service.test.ts checks the policy in
 * Chromium against the real build.)
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSite } from '../../apps/api/src/console/console-site.js';

const sha = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
const FIRST = 'self.__next_f=self.__next_f||[];';
const SECOND = 'self.__next_f.push([1,"</p>\\u003c"])';

let root: string;
let server: Server;
let base: string;

function page(scripts: string[]) {
  return `<!DOCTYPE html><html><head><script src="/_next/static/chunks/a.js" async=""></script></head><body>${scripts.map((s) => `<script>${s}</script>`).join('')}</body></html>`;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'schoolmail-csp-'));
  writeFileSync(join(root, 'index.html'), page([FIRST, SECOND]));
  writeFileSync(join(root, '404.html'), page(['self.notFound=1']));
  mkdirSync(join(root, '_next/static/chunks'), { recursive: true });
  writeFileSync(join(root, '_next/static/chunks/a.js'), 'console.log(1)');
  const site = consoleSite(root)!;
  server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    site({ method: request.method, path }, response, () => {
      response.statusCode = 599;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

const directives = (header: string | null) => new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

describe('Content-Security-Policy of console pages', () => {
  it('allows this origin and the hashes of the page\'s own inline scripts, never any inline script', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'", sha(FIRST), sha(SECOND)]);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('gives the not-found page its own hashes, and scripts no policy (they are not documents)', async () => {
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(directives(missing.headers.get('content-security-policy')).get('script-src')).toEqual(["'self'", sha('self.notFound=1')]);
    const script = await fetch(`${base}/_next/static/chunks/a.js`);
    expect(script.headers.get('content-security-policy')).toBeNull();
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('follows a rebuilt page without a restart', async () => {
    writeFileSync(join(root, 'index.html'), page(['self.rebuilt=true']));
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'index.html'), later, later);
    const response = await fetch(`${base}/`);
    expect(directives(response.headers.get('content-security-policy')).get('script-src')).toEqual(["'self'", sha('self.rebuilt=true')]);
  });
});
