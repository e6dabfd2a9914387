/** `schoolmail cluster` against a running API: nodes, assign, failover and nginx-config. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerNode } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { mailDomain } from '../support/smtp.js';
import { buildCli, cliFor, runCli } from '../cli/cli-runner.js';

vi.setConfig({ testTimeout: 180_000 });

let api: TestApi;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  const key = await api.staff.post('/api-keys', { name: 'cli staff', role: 'staff' });
  cli = cliFor(api.baseUrl, key.body.secret);
  await registerNode(api.prisma, { id: 'mail-1', role: 'backend', addresses: { imap: '10.0.0.1:143', pop3: '10.0.0.1:110' }, version: '1.0.0' });
  await registerNode(api.prisma, { id: 'mail-2', role: 'backend', addresses: { imap: '10.0.0.2:143', pop3: '10.0.0.2:110' }, version: '1.0.0' });
  await mailDomain(api.prisma, 'alpha.test');
  await mailDomain(api.prisma, 'beta.test');
});
afterAll(() => api?.close());

describe('schoolmail cluster', () => {
  it('assigns domains, lists nodes with them, fails a node over', async () => {
    expect((await cli('cluster', 'assign', 'alpha.test', 'mail-1')).code).toBe(0);
    const assigned = await cli('cluster', 'assign', 'beta.test', 'mail-2');
    expect(assigned.stdout).toContain('beta.test: back-end mail-2');
    expect((await cli('cluster', 'assign', 'beta.test', 'mail-9')).code).toBe(2);

    const nodes = await cli('cluster', 'nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.stdout).toMatch(/^NODE\s+ROLE\s+HEALTH/m);
    expect(nodes.stdout).toMatch(/mail-2\s+backend\s+healthy\s+.*10\.0\.0\.2:143.*beta\.test/);

    const failover = await cli('cluster', 'failover', '--from', 'mail-2', '--to', 'mail-1');
    expect(failover.code).toBe(0);
    expect(failover.stdout).toContain('1 domain(s) moved from mail-2 to mail-1: beta.test');
    const json = JSON.parse((await cli('cluster', 'nodes', '--json')).stdout);
    expect(json.items.find((n: any) => n.id === 'mail-1').domains).toEqual(['alpha.test', 'beta.test']);
    expect((await cli('cluster', 'failover', '--from', 'mail-2')).code).toBe(1);
  });

  it('prints an nginx configuration with the secret from its own environment', async () => {
    const printed = await runCli(['cluster', 'nginx-config', '--imap-listen', '0.0.0.0:1143'], { env: { ...cli.env, SCHOOLMAIL_NGINX_AUTH_SECRET: 's3cret' } });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('load_module /usr/lib/nginx/modules/ngx_mail_module.so;');
    expect(printed.stdout).toContain('auth_http_header X-Schoolmail-Nginx-Secret "s3cret";');
    expect(printed.stdout).toMatch(/listen 0\.0\.0\.0:1143;\s+protocol imap;/);
    // SMTP submission by default on 587, and where asked.
    expect(printed.stdout).toMatch(/listen 0\.0\.0\.0:587;\s+protocol smtp;\s+smtp_auth login plain;\s+xclient on;/);
    const smtp = await runCli(['cluster', 'nginx-config', '--smtp-listen', '10.0.0.5:2587'], { env: { ...cli.env, SCHOOLMAIL_NGINX_AUTH_SECRET: 's3cret' } });
    expect(smtp.stdout).toMatch(/listen 10\.0\.0\.5:2587;\s+protocol smtp;/);
    const unset = await cli('cluster', 'nginx-config');
    expect(unset.stderr).toContain('SCHOOLMAIL_NGINX_AUTH_SECRET is not set');
  });
});
