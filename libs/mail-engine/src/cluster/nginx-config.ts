/**
 * A ready nginx configuration for the front-end tier: nginx's mail proxy with auth_http
 * pointing at the API's internal endpoint, which names the back-end per login. Back-ends
 * need no upstream blocks: the auth answer carries the address. SMTP is submission: nginx
 * takes AUTH itself, then hands the session to the owner's submission listener with XCLIENT
 * (the real client address and the verified login), which back-ends accept only from
 * SCHOOLMAIL_CLUSTER_NETWORKS.
 */
import { CAPABILITIES } from '../imap/session/context.js';
import type { ClusterNodeState } from './nodes.js';

/** The header nginx sends the shared secret in (auth_http_header). */
export const NGINX_SECRET_HEADER = 'X-Schoolmail-Nginx-Secret';
/** Stands for the secret in printed configurations (the CLI fills it in from its environment). */
export const NGINX_SECRET_PLACEHOLDER = '__SCHOOLMAIL_NGINX_AUTH_SECRET__';

export interface NginxConfigOptions {
  /** e.g. http://10.0.0.5:3000/api/v1/internal/nginx-auth */
  authUrl: string;
  secret?: string;
  /** "host:port" per proxied protocol; a protocol left out gets no server block. */
  listen: { imap?: string; pop3?: string; smtp?: string };
  nodes?: ClusterNodeState[];
  /** Paths for a private instance (tests); a system nginx keeps its defaults. */
  pidFile?: string;
  errorLog?: string;
  workerProcesses?: number;
}

/**
 * What nginx announces before login: the back-ends' IMAP extensions, less those that change
 * how nginx's own pre-login parser must read commands (clients ask again after login).
 */
const PROXY_IMAP_CAPABILITIES = CAPABILITIES.filter((capability) => capability !== 'LITERAL+' && capability !== 'SASL-IR');

const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export function renderNginxConfig(options: NginxConfigOptions): string {
  const nodes = (options.nodes ?? []).map(
    (n) =>
      `#   ${n.id} (${n.role}, ${n.healthy ? 'healthy' : 'NOT healthy'}): imap ${n.addresses.imap ?? '-'}, pop3 ${n.addresses.pop3 ?? '-'}, submission ${n.addresses.submission ?? '-'}`,
  );
  const server = (listen: string, protocol: 'imap' | 'pop3' | 'smtp', extra: string[] = []) =>
    [`    server {`, `        listen ${listen};`, `        protocol ${protocol};`, ...extra.map((line) => `        ${line}`), `    }`].join('\n');
  return [
    '# Schoolmail front-end: nginx mail proxy (Debian packages nginx + libnginx-mod-mail).',
    '# Each login is checked by the API, which answers the back-end holding the mailbox.',
    ...(nodes.length ? ['# Registered nodes when this file was made (routing does not depend on this list):', ...nodes] : []),
    'load_module /usr/lib/nginx/modules/ngx_mail_module.so;',
    `worker_processes ${options.workerProcesses ?? 'auto'};`,
    ...(options.pidFile ? [`pid ${options.pidFile};`] : []),
    ...(options.errorLog ? [`error_log ${options.errorLog} warn;`] : []),
    'events { worker_connections 1024; }',
    'mail {',
    `    auth_http ${options.authUrl};`,
    `    auth_http_header ${NGINX_SECRET_HEADER} ${quoted(options.secret ?? NGINX_SECRET_PLACEHOLDER)};`,
    '    auth_http_timeout 10s;',
    // The back-ends' own refusal texts (e.g. "IMAP is disabled for ...") reach the client.
    '    proxy_pass_error_message on;',
    `    imap_capabilities ${PROXY_IMAP_CAPABILITIES.join(' ')};`,
    '    pop3_capabilities TOP USER UIDL;',
    '    smtp_capabilities 8BITMIME ENHANCEDSTATUSCODES;',
    ...(options.listen.imap ? [server(options.listen.imap, 'imap')] : []),
    ...(options.listen.pop3 ? [server(options.listen.pop3, 'pop3')] : []),
    // The back-end learns the client's address and login from XCLIENT (nginx's default, written out for the reader).
    ...(options.listen.smtp ? [server(options.listen.smtp, 'smtp', ['smtp_auth login plain;', 'xclient on;'])] : []),
    '}',
    '',
  ].join('\n');
}
