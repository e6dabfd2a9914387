import { describe, expect, it } from 'vitest';
import { loadClusterConfig } from './config.js';
import { renderNginxConfig } from './nginx-config.js';
import { nodeAddresses } from './node-registry.js';
import { splitHostPort } from './routing.js';

describe('cluster settings', () => {
  it('reads the role and heartbeat, staleness defaulting to three beats; refuses nonsense', () => {
    expect(loadClusterConfig({})).toMatchObject({ role: 'all', heartbeatSeconds: 5, staleSeconds: 15 });
    expect(loadClusterConfig({ SCHOOLMAIL_ROLE: 'backend', SCHOOLMAIL_HEARTBEAT_SECONDS: '2' })).toMatchObject({ role: 'backend', staleSeconds: 6 });
    expect(() => loadClusterConfig({ SCHOOLMAIL_ROLE: 'frontend' })).toThrow(/all, api or backend/);
    expect(() => loadClusterConfig({ SCHOOLMAIL_HEARTBEAT_SECONDS: '0' })).toThrow(/positive/);
  });
});

describe('node addresses', () => {
  it('publishes the real ports on a reachable host, IPv6 in brackets', () => {
    const mail = { smtp: 25, submission: 587, imap: 143, pop3: 110 };
    expect(nodeAddresses({ host: '0.0.0.0', mail, httpPort: 3000 })).toEqual({
      smtp: '127.0.0.1:25', submission: '127.0.0.1:587', imap: '127.0.0.1:143', pop3: '127.0.0.1:110', http: '127.0.0.1:3000',
    });
    expect(nodeAddresses({ host: 'fd00::5', httpPort: 3000 })).toEqual({ http: '[fd00::5]:3000' });
    expect(splitHostPort('[fd00::5]:143')).toEqual({ host: 'fd00::5', port: 143 });
    expect(splitHostPort('10.0.0.2:110')).toEqual({ host: '10.0.0.2', port: 110 });
    expect(splitHostPort('10.0.0.2')).toBeNull();
    expect(splitHostPort('10.0.0.2:70000')).toBeNull();
  });
});

describe('nginx configuration', () => {
  it('quotes the secret so that it cannot end the directive', () => {
    const config = renderNginxConfig({ authUrl: 'http://10.0.0.1:3000/api/v1/internal/nginx-auth', secret: 'a"b\\c;', listen: { imap: '0.0.0.0:143' } });
    expect(config).toContain('auth_http_header X-Schoolmail-Nginx-Secret "a\\"b\\\\c;";');
    expect(config).toContain('protocol imap;');
    expect(config).not.toContain('protocol pop3;');
  });

  it('proxies SMTP submission with AUTH at nginx and XCLIENT to the back-end', () => {
    const config = renderNginxConfig({ authUrl: 'http://10.0.0.1:3000/x', listen: { smtp: '0.0.0.0:587' } });
    expect(config).toMatch(/listen 0\.0\.0\.0:587;\n\s+protocol smtp;\n\s+smtp_auth login plain;\n\s+xclient on;/);
    expect(config).not.toContain('protocol imap;');
  });
});
