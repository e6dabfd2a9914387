import type { Command } from 'commander';
import { path } from '../http.js';
import { table, type Column } from '../output.js';
import { act, group, leaf } from '../define.js';
import type { Environment } from '../invocation.js';

/** The API prints the shared secret as this placeholder; the secret never travels over the API. */
const SECRET_PLACEHOLDER = '__SCHOOLMAIL_NGINX_AUTH_SECRET__';

const columns: Array<Column<any>> = [
  ['NODE', (n) => n.id],
  ['ROLE', (n) => n.role],
  ['HEALTH', (n) => (n.healthy ? 'healthy' : 'DOWN')],
  ['HEARTBEAT', (n) => n.heartbeatAt],
  ['IMAP', (n) => n.addresses.imap],
  ['POP3', (n) => n.addresses.pop3],
  ['SMTP', (n) => n.addresses.smtp],
  ['HTTP', (n) => n.addresses.http],
  ['DOMAINS', (n) => n.domains.join(' ')],
];

export function registerCluster(program: Command, environment: Environment) {
  const cluster = group(program, 'cluster', 'Cluster nodes, domain placement, fail-over and the nginx front-end (staff)', 'schoolmail cluster nodes');

  leaf(cluster, 'nodes', 'List the nodes with their role, health and pinned domains', 'schoolmail cluster nodes --json').action(
    act(environment, async (run) => {
      const nodes = await run.api.get('/cluster/nodes');
      run.show(nodes, () => table(nodes.items, columns));
    }),
  );

  leaf(cluster, 'assign <domain> <node>', 'Pin a domain (and its sub-domains without a pin) to a back-end node', 'schoolmail cluster assign district1.k12.us mail-2').action(
    act(environment, async (run, domain: string, node: string) => {
      const result = await run.api.put(path`/domains/${domain}/backend`, { node });
      run.show(result, () => `${result.domain}: back-end ${result.backendNode}`);
    }),
  );

  leaf(cluster, 'failover', 'Move every domain of a failed back-end to a stand-by sharing its storage', 'schoolmail cluster failover --from mail-2 --to mail-2-standby')
    .requiredOption('--from <node>', 'the failed back-end')
    .requiredOption('--to <node>', 'the node taking its domains')
    .action(
      act(environment, async (run, options: { from: string; to: string }) => {
        const result = await run.api.post('/cluster/failover', { from: options.from, to: options.to });
        run.show(result, () => `${result.domains.length} domain(s) moved from ${result.from} to ${result.to}: ${result.domains.join(' ') || '(none)'}`);
      }),
    );

  leaf(cluster, 'nginx-config', 'Print an nginx.conf for the front-end tier (the secret comes from SCHOOLMAIL_NGINX_AUTH_SECRET here)', 'SCHOOLMAIL_NGINX_AUTH_SECRET=... schoolmail cluster nginx-config > /etc/nginx/nginx.conf')
    .option('--imap-listen <address>', 'where nginx takes IMAP', '0.0.0.0:143')
    .option('--pop3-listen <address>', 'where nginx takes POP3', '0.0.0.0:110')
    .option('--smtp-listen <address>', 'where nginx takes SMTP submission (AUTH, then XCLIENT to the back-end)', '0.0.0.0:587')
    .option('--auth-url <url>', 'the auth endpoint as nginx reaches it (default: this API node)')
    .action(
      act(environment, async (run, options: { imapListen: string; pop3Listen: string; smtpListen: string; authUrl?: string }) => {
        const config: string = await run.api.get('/cluster/nginx-config', {
          imap: options.imapListen,
          pop3: options.pop3Listen,
          smtp: options.smtpListen,
          authUrl: options.authUrl,
        });
        const secret = environment.env.SCHOOLMAIL_NGINX_AUTH_SECRET;
        if (!secret) environment.stderr(`SCHOOLMAIL_NGINX_AUTH_SECRET is not set: replace ${SECRET_PLACEHOLDER} with the API's secret\n`);
        run.print(secret ? config.replace(SECRET_PLACEHOLDER, secret.replace(/["\\]/g, '\\$&')) : config);
      }),
    );
}
