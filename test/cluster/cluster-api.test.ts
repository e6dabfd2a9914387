/**
 * The cluster through the API: nodes register and beat, staff sees their health and
 * domains, assigns domains and fails a back-end over (audited), and nginx's auth_http
 * endpoint answers the right back-end per login, or a refusal nginx understands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNode, startNodeHeartbeat, NGINX_SECRET_HEADER } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { MAIL_PASSWORD, mailDomain, mailbox } from '../support/smtp.js';

const SECRET = 'nginx-shared-secret-1';
process.env.SCHOOLMAIL_NGINX_AUTH_SECRET = SECRET;
process.env.SCHOOLMAIL_NODE_STALE_SECONDS = '3';

const NODE_A = { imap: '127.0.0.1:10143', pop3: '127.0.0.1:10110', smtp: '127.0.0.1:10025', submission: '127.0.0.1:10587' };
const NODE_B = { imap: '127.0.0.1:20143', pop3: '127.0.0.1:20110', smtp: '127.0.0.1:20025', submission: '127.0.0.1:20587' };

let api: TestApi;
let districts: Districts;
const stops: Array<() => Promise<void>> = [];

/** One auth_http request as nginx sends it. */
async function nginxAuth(headers: Record<string, string>, baseUrl = api.baseUrl) {
  const response = await fetch(`${baseUrl}/api/v1/internal/nginx-auth`, {
    headers: { [NGINX_SECRET_HEADER]: SECRET, 'Auth-Method': 'plain', 'Auth-Protocol': 'imap', 'Auth-Login-Attempt': '1', 'Client-IP': '192.0.2.10', ...headers },
  });
  const header = (name: string) => response.headers.get(name);
  return { status: response.status, status_: header('auth-status'), server: header('auth-server'), port: header('auth-port'), wait: header('auth-wait'), errorCode: header('auth-error-code') };
}

beforeAll(async () => {
  api = await startTestApi();
  districts = await seedDistricts(api);
  stops.push(await startNodeHeartbeat(api.prisma, { id: 'node-a', role: 'backend', addresses: NODE_A, version: '1.0.0' }, { intervalSeconds: 0.2 }));
  stops.push(await startNodeHeartbeat(api.prisma, { id: 'node-b', role: 'backend', addresses: NODE_B, version: '1.0.0' }, { intervalSeconds: 0.2 }));
  await registerNode(api.prisma, { id: 'api-1', role: 'api', addresses: { http: '127.0.0.1:3000' }, version: '1.0.0' });
  await registerNode(api.prisma, { id: 'node-dead', role: 'backend', addresses: { imap: '127.0.0.1:30143' }, version: '0.9.0' });
  await api.prisma.$executeRaw`UPDATE "ClusterNode" SET "heartbeatAt" = now() AT TIME ZONE 'UTC' - interval '1 hour' WHERE id = 'node-dead'`;
  await mailDomain(api.prisma, 'alpha.test');
  await mailDomain(api.prisma, 'sub.alpha.test', { parent: 'alpha.test' });
  await mailDomain(api.prisma, 'beta.test');
  await mailDomain(api.prisma, 'gamma.test');
  for (const address of ['ann@alpha.test', 'sam@sub.alpha.test', 'bob@beta.test', 'gus@gamma.test', 'ida@alpha.test']) await mailbox(api.prisma, address);
  const ida = await api.prisma.account.findUniqueOrThrow({ where: { address: 'ida@alpha.test' } });
  await api.prisma.serviceToggle.create({ data: { service: 'imap', enabled: false, accountId: ida.id, changedBy: 'test' } });
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await api?.close();
});

describe('nodes', () => {
  it('lists registered nodes with role, addresses, a live heartbeat and health; a silent node is unhealthy', async () => {
    const first = await api.staff.get('/cluster/nodes');
    expect(first.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const { body } = await api.staff.get('/cluster/nodes');
    const byId = Object.fromEntries(body.items.map((n: any) => [n.id, n]));
    expect(Object.keys(byId).sort()).toEqual(['api-1', 'node-a', 'node-b', 'node-dead']);
    expect(byId['node-a']).toMatchObject({ role: 'backend', healthy: true, version: '1.0.0', addresses: NODE_A });
    const before = first.body.items.find((n: any) => n.id === 'node-a');
    expect(Date.parse(byId['node-a'].heartbeatAt)).toBeGreaterThan(Date.parse(before.heartbeatAt));
    expect(byId['node-dead'].healthy).toBe(false);
    // api-1 registered once and never beat: stale after SCHOOLMAIL_NODE_STALE_SECONDS.
    await new Promise((resolve) => setTimeout(resolve, 2800));
    const later = await api.staff.get('/cluster/nodes');
    expect(later.body.items.find((n: any) => n.id === 'api-1').healthy).toBe(false);
    expect(later.body.items.find((n: any) => n.id === 'node-b').healthy).toBe(true);
  });

  it('is staff only, over REST and GraphQL', async () => {
    expect((await districts.postmaster1.get('/cluster/nodes')).status).toBe(403);
    const gql = await api.staff.graphql('{ clusterNodes { id role healthy addresses { imap } domains } }');
    expect(gql.errors).toBeUndefined();
    expect(gql.data.clusterNodes.find((n: any) => n.id === 'node-a').addresses.imap).toBe(NODE_A.imap);
    const denied = await districts.postmaster1.graphql('{ clusterNodes { id } }');
    expect(denied.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});

describe('assignment and failover', () => {
  it('pins a domain to a node (audited) and shows it among the node\'s domains', async () => {
    const response = await api.staff.put('/domains/alpha.test/backend', { node: 'node-a' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ domain: 'alpha.test', backendNode: 'node-a' });
    expect((await api.staff.put('/domains/beta.test/backend', { node: 'node-b' })).status).toBe(200);
    const nodes = (await api.staff.get('/cluster/nodes')).body.items;
    expect(nodes.find((n: any) => n.id === 'node-a').domains).toEqual(['alpha.test']);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'domain.backend.assign', subjectId: 'alpha.test' } });
    expect(audit).toMatchObject({ actorName: 'staff', before: { backendNode: null }, after: { backendNode: 'node-a' } });
  });

  it('refuses unknown nodes, nodes without a mail engine, bad input and non-staff', async () => {
    expect((await api.staff.put('/domains/alpha.test/backend', { node: 'node-zz' })).status).toBe(404);
    const apiNode = await api.staff.put('/domains/alpha.test/backend', { node: 'api-1' });
    expect(apiNode.status).toBe(409);
    expect(apiNode.body.detail).toContain('runs no mail engine');
    expect((await api.staff.put('/domains/alpha.test/backend', { node: 'bad node!' })).status).toBe(400);
    expect((await api.staff.put('/domains/nowhere.test/backend', { node: 'node-a' })).status).toBe(404);
    expect((await districts.postmaster1.put('/domains/district1.k12.us/backend', { node: 'node-a' })).status).toBe(403);
    expect((await api.prisma.domain.findUniqueOrThrow({ where: { name: 'alpha.test' } })).backendNode).toBe('node-a');
  });

  it('fails over every domain of a node to another (audited), over GraphQL too', async () => {
    const unit = await api.prisma.storageUnit.create({ data: { name: 'shared-san', directory: '/tmp/schoolmail-cluster-san', capacityBytes: 1n << 30n } });
    const blob = await api.prisma.messageBlob.create({ data: { sha256: 'f'.repeat(64), size: 10, storageUnitId: unit.id, refCount: 1 } });
    await api.prisma.outboundMessage.create({ data: { id: 'msg-1', blobId: blob.id, sender: 'gus@gamma.test', size: 10 } });
    const inFlight = await api.prisma.queueEntry.create({
      data: { messageId: 'msg-1', recipient: 'x@remote.example', remoteDomain: 'remote.example', sender: 'gus@gamma.test', size: 10, state: 'delivering', claimedBy: 'node-dead', claimedUntil: new Date(Date.now() + 3600_000), expiresAt: new Date(Date.now() + 86400_000) },
    });
    await api.staff.put('/domains/gamma.test/backend', { node: 'node-dead' });
    await api.staff.put('/domains/district2.k12.us/backend', { node: 'node-dead' });
    expect((await api.staff.post('/cluster/failover', { from: 'node-dead', to: 'node-dead' })).status).toBe(400);
    expect((await api.staff.post('/cluster/failover', { from: 'node-dead', to: 'api-1' })).status).toBe(409);
    const response = await api.staff.post('/cluster/failover', { from: 'node-dead', to: 'node-b' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ from: 'node-dead', to: 'node-b', domains: ['district2.k12.us', 'gamma.test'], releasedQueueEntries: 1 });
    // The dead node's lease is over: any live node's queue reaper takes the entry back.
    expect((await api.prisma.queueEntry.findUniqueOrThrow({ where: { id: inFlight.id } })).claimedUntil!.getTime()).toBeLessThan(Date.now());
    const moved = await api.prisma.domain.findMany({ where: { name: { in: ['gamma.test', 'district2.k12.us'] } } });
    expect(moved.map((d) => d.backendNode)).toEqual(['node-b', 'node-b']);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'cluster.failover' } });
    expect(audit.after).toMatchObject({ from: 'node-dead', to: 'node-b', domains: ['district2.k12.us', 'gamma.test'] });

    const back = await api.staff.graphql('mutation { failoverBackend(from: "node-b", to: "node-a") { from to domains } }');
    expect(back.errors).toBeUndefined();
    expect(back.data.failoverBackend.domains).toEqual(['beta.test', 'district2.k12.us', 'gamma.test']);
    const restore = await api.staff.graphql('mutation { a: assignDomainBackend(domain: "beta.test", node: "node-b") { backendNode } g: assignDomainBackend(domain: "gamma.test", node: "node-dead") { backendNode } }');
    expect(restore.errors).toBeUndefined();
    expect((await districts.postmaster1.post('/cluster/failover', { from: 'node-a', to: 'node-b' })).status).toBe(403);
  });

  it('prints an nginx configuration with the mail module, auth_http to this API and imap/pop3/smtp servers', async () => {
    const response = await api.staff.request('GET', '/api/v1/cluster/nginx-config?imap=0.0.0.0:143&pop3=0.0.0.0:110&smtp=0.0.0.0:587');
    expect(response.status).toBe(200);
    expect(response.body).toContain('load_module /usr/lib/nginx/modules/ngx_mail_module.so;');
    expect(response.body).toMatch(/auth_http http:\/\/[^;]+\/api\/v1\/internal\/nginx-auth;/);
    expect(response.body).toContain(`auth_http_header ${NGINX_SECRET_HEADER} "__SCHOOLMAIL_NGINX_AUTH_SECRET__";`);
    expect(response.body).toMatch(/listen 0\.0\.0\.0:143;\s+protocol imap;/);
    expect(response.body).toMatch(/listen 0\.0\.0\.0:110;\s+protocol pop3;/);
    expect(response.body).toMatch(/listen 0\.0\.0\.0:587;\s+protocol smtp;\s+smtp_auth login plain;\s+xclient on;/);
    expect(response.body).not.toContain(SECRET);
  });
});

describe('nginx auth_http endpoint', () => {
  it('refuses a missing or wrong shared secret with 403', async () => {
    expect((await nginxAuth({ [NGINX_SECRET_HEADER]: 'wrong', 'Auth-User': 'ann@alpha.test', 'Auth-Pass': MAIL_PASSWORD })).status).toBe(403);
    const response = await fetch(`${api.baseUrl}/api/v1/internal/nginx-auth`, { headers: { 'Auth-User': 'ann@alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'imap', 'Auth-Method': 'plain' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('auth-server')).toBeNull();
  });

  it('answers the IP and port of the back-end that holds the domain, per protocol; sub-domains follow their parent', async () => {
    const ann = await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': MAIL_PASSWORD });
    expect(ann).toMatchObject({ status: 200, status_: 'OK', server: '127.0.0.1', port: '10143' });
    expect(await nginxAuth({ 'Auth-User': 'bob@beta.test', 'Auth-Pass': MAIL_PASSWORD })).toMatchObject({ status_: 'OK', port: '20143' });
    expect(await nginxAuth({ 'Auth-User': 'bob@beta.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'pop3' })).toMatchObject({ status_: 'OK', port: '20110' });
    expect(await nginxAuth({ 'Auth-User': 'sam@sub.alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'pop3' })).toMatchObject({ status_: 'OK', port: '10110' });
    expect(await nginxAuth({ 'Auth-User': 'bob@beta.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'smtp', 'Auth-Method': 'login' })).toMatchObject({ status_: 'OK', port: '20587' });
    // An account routed by its LDAP mailHost lives on that node, whatever its domain's pin.
    const max = await mailbox(api.prisma, 'max@alpha.test');
    await api.prisma.account.update({ where: { id: max.id }, data: { mailHost: 'node-b' } });
    expect(await nginxAuth({ 'Auth-User': 'max@alpha.test', 'Auth-Pass': MAIL_PASSWORD })).toMatchObject({ status_: 'OK', port: '20143' });
    expect(await nginxAuth({ 'Auth-User': 'max@alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'smtp' })).toMatchObject({ status_: 'OK', port: '20587' });
    // nginx URL-escapes the credentials.
    expect(await nginxAuth({ 'Auth-User': 'ann%40alpha.test', 'Auth-Pass': encodeURIComponent(MAIL_PASSWORD) })).toMatchObject({ status_: 'OK', port: '10143' });
  });

  it('answers a wrong password with Auth-Status and Auth-Wait (and an SMTP code for smtp)', async () => {
    const wrong = await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': 'nope', 'Client-IP': '192.0.2.20' });
    expect(wrong).toMatchObject({ status: 200, status_: 'Invalid login or password', wait: '3', server: null });
    const smtp = await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': 'nope', 'Auth-Protocol': 'smtp', 'Client-IP': '192.0.2.21' });
    expect(smtp).toMatchObject({ status_: 'Invalid login or password', errorCode: '535 5.7.8' });
    // Many attempts in one session: no Auth-Wait, so nginx closes the connection.
    expect(await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': 'nope', 'Auth-Login-Attempt': '12', 'Client-IP': '192.0.2.22' })).toMatchObject({ wait: null });
  });

  it('refuses a login whose service is disabled, with the reason and without Auth-Wait', async () => {
    const ida = await nginxAuth({ 'Auth-User': 'ida@alpha.test', 'Auth-Pass': MAIL_PASSWORD });
    expect(ida.status_).toMatch(/IMAP is disabled/);
    expect(ida.wait).toBeNull();
    expect(ida.server).toBeNull();
    expect(await nginxAuth({ 'Auth-User': 'ida@alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'pop3' })).toMatchObject({ status_: 'OK', port: '10110' });
  });

  it('sees a service disabled after a login at once (settings cache kept current by notifications)', async () => {
    expect(await nginxAuth({ 'Auth-User': 'sam@sub.alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'pop3' })).toMatchObject({ status_: 'OK' });
    const sam = await api.prisma.account.findUniqueOrThrow({ where: { address: 'sam@sub.alpha.test' } });
    await api.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, accountId: sam.id, changedBy: 'test' } });
    let answer = '';
    for (let i = 0; i < 20 && !/disabled/.test(answer); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = (await nginxAuth({ 'Auth-User': 'sam@sub.alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Auth-Protocol': 'pop3' })).status_ ?? '';
    }
    expect(answer).toMatch(/POP3 is disabled/);
  });

  it('answers a temporary failure with Auth-Wait when the owning back-end is down', async () => {
    const gus = await nginxAuth({ 'Auth-User': 'gus@gamma.test', 'Auth-Pass': MAIL_PASSWORD });
    expect(gus.status_).toMatch(/^Temporary server problem, try again later \(back-end "node-dead" is not answering\)/);
    expect(gus.wait).toBe('5');
    expect(gus.server).toBeNull();
  });

  it('rate-limits a client that keeps failing, with Auth-Wait', async () => {
    for (let i = 0; i < 10; i++) await nginxAuth({ 'Auth-User': `nobody${i}@alpha.test`, 'Auth-Pass': 'x', 'Client-IP': '198.51.100.7' });
    const limited = await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': MAIL_PASSWORD, 'Client-IP': '198.51.100.7' });
    expect(limited.status_).toBe('Too many failed logins, try again later');
    expect(Number(limited.wait)).toBeGreaterThan(0);
  });

  it('refuses authentication methods that need a stored clear-text password', async () => {
    const apop = await nginxAuth({ 'Auth-User': 'ann@alpha.test', 'Auth-Pass': 'digest', 'Auth-Method': 'apop', 'Auth-Protocol': 'pop3' });
    expect(apop.status_).toBe('Authentication method apop is not supported');
  });
});

describe('nginx auth_http endpoint outside the allowed networks', () => {
  it('refuses callers whose address is not listed, even with the right secret', async () => {
    process.env.SCHOOLMAIL_NGINX_AUTH_NETWORKS = '192.0.2.0/24';
    const other = await startTestApi();
    try {
      const response = await nginxAuth({ 'Auth-User': 'x@alpha.test', 'Auth-Pass': MAIL_PASSWORD }, other.baseUrl);
      expect(response.status).toBe(403);
      expect(response.server).toBeNull();
    } finally {
      delete process.env.SCHOOLMAIL_NGINX_AUTH_NETWORKS;
      await other.close();
    }
  });
});
