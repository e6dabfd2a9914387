/**
 * Routing by the directory's `mailHost` (issue 6), against a real slapd and through the API's
 * nginx auth_http endpoint: a directory login copies the entry's mailHost into
 * Account.mailHost (one UPDATE, only when it changed) and the answer already names that
 * node; `ldap sync` reports and repairs mailHost in both directions of synchronization.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX_SECRET_HEADER, startNodeHeartbeat } from '@schoolmail/mail-engine';
import { startTestApi, type TestApi } from '../support/api.js';
import { LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, LDAP_PEOPLE, TestSlapd } from '../support/slapd.js';
import { mailDomain, mailbox } from '../support/smtp.js';
import { ldapModify, ldapsearch } from './ldapsearch.js';

const SECRET = 'nginx-shared-secret-mail-host';
process.env.SCHOOLMAIL_NGINX_AUTH_SECRET = SECRET;

const ROUTED = 'routed.test';
const PROVISIONED = 'provisioned.test';
const NODE_A = { imap: '127.0.0.1:10143', pop3: '127.0.0.1:10110', smtp: '127.0.0.1:10025', submission: '127.0.0.1:10587' };
const NODE_B = { imap: '127.0.0.1:20143', pop3: '127.0.0.1:20110', smtp: '127.0.0.1:20025', submission: '127.0.0.1:20587' };
const RAE_PASSWORD = 'rae-directory-pw';

let api: TestApi;
let slapd: TestSlapd;
const stops: Array<() => Promise<void>> = [];

const source = (extra: Record<string, unknown> = {}) => ({
  kind: 'ldap',
  urls: [slapd.url],
  bindDn: LDAP_ADMIN_DN,
  bindPassword: LDAP_ADMIN_PASSWORD,
  userBase: LDAP_PEOPLE,
  userFilter: '(&(objectClass=inetOrgPerson)(mail={address}))',
  connectTimeoutMs: 1000,
  operationTimeoutMs: 2000,
  ...extra,
});

/** One auth_http request as nginx sends it; answers the headers nginx acts on. */
async function nginxAuth(user: string, password: string, protocol = 'imap') {
  const response = await fetch(`${api.baseUrl}/api/v1/internal/nginx-auth`, {
    headers: { [NGINX_SECRET_HEADER]: SECRET, 'Auth-Method': 'plain', 'Auth-Protocol': protocol, 'Auth-Login-Attempt': '1', 'Client-IP': '192.0.2.30', 'Auth-User': user, 'Auth-Pass': password },
  });
  return { status: response.headers.get('auth-status'), server: response.headers.get('auth-server'), port: response.headers.get('auth-port') };
}

const mailHostOf = async (address: string) => (await api.prisma.account.findUniqueOrThrow({ where: { address } })).mailHost;
/** PostgreSQL's row version: any UPDATE of the row, even one that changes nothing, gives it a new one. */
const rowVersion = async (address: string) => (await api.prisma.$queryRaw<Array<{ xmin: string }>>`SELECT xmin::text FROM "Account" WHERE address = ${address}`)[0]!.xmin;
const setDirectoryMailHost = (uid: string, mailHost: string | null) =>
  ldapModify(slapd, `dn: uid=${uid},${LDAP_PEOPLE}\nchangetype: modify\n${mailHost === null ? 'delete: mailHost\n' : `replace: mailHost\nmailHost: ${mailHost}\n`}`);

beforeAll(async () => {
  [api, slapd] = await Promise.all([startTestApi(), TestSlapd.start()]);
  stops.push(await startNodeHeartbeat(api.prisma, { id: 'node-a', role: 'backend', addresses: NODE_A, version: '1.0.0' }, { intervalSeconds: 0.5 }));
  stops.push(await startNodeHeartbeat(api.prisma, { id: 'node-b', role: 'backend', addresses: NODE_B, version: '1.0.0' }, { intervalSeconds: 0.5 }));
  for (const name of [ROUTED, PROVISIONED]) {
    const domain = await mailDomain(api.prisma, name);
    await api.prisma.domain.update({ where: { id: domain.id }, data: { backendNode: 'node-a' } });
  }
  // cacheSeconds 0: every login asks the directory, so a changed entry shows at the next login.
  expect((await api.staff.put(`/domains/${ROUTED}/auth-source`, source({ cacheSeconds: 0 }))).status).toBe(200);
  slapd.addPerson({ uid: 'rae', mail: `rae@${ROUTED}`, password: RAE_PASSWORD, mailHost: 'node-b' });
  slapd.addPerson({ uid: 'sid', mail: `sid@${ROUTED}`, password: 'sid-directory-pw', mailHost: 'node-b' });
  slapd.addPerson({ uid: 'una', mail: `una@${ROUTED}`, password: 'una-directory-pw' });
  for (const uid of ['rae', 'sid', 'una']) await mailbox(api.prisma, `${uid}@${ROUTED}`);
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await api?.close();
  await slapd?.close();
});

describe('a directory login', () => {
  it("stores the entry's mailHost on the account, and nginx is sent to that node, for IMAP and SMTP alike", async () => {
    expect(await mailHostOf(`rae@${ROUTED}`)).toBeNull();
    expect(await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD)).toEqual({ status: 'OK', server: '127.0.0.1', port: '20143' });
    expect(await mailHostOf(`rae@${ROUTED}`)).toBe('node-b');
    expect(await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD, 'smtp')).toEqual({ status: 'OK', server: '127.0.0.1', port: '20587' });
    // An entry without mailHost leaves the account where its domain is pinned.
    expect(await nginxAuth(`una@${ROUTED}`, 'una-directory-pw')).toEqual({ status: 'OK', server: '127.0.0.1', port: '10143' });
    expect(await mailHostOf(`una@${ROUTED}`)).toBeNull();
  });

  it('writes the account only when the value changed', async () => {
    // The first login also records lastLoginAt (off the login's path): let that land first.
    for (let i = 0; i < 50 && !(await api.prisma.account.findUniqueOrThrow({ where: { address: `rae@${ROUTED}` } })).lastLoginAt; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await rowVersion(`rae@${ROUTED}`);
    for (let i = 0; i < 3; i++) expect((await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD)).port).toBe('20143');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rowVersion(`rae@${ROUTED}`)).toBe(before);

    setDirectoryMailHost('rae', 'node-a');
    expect((await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD)).port).toBe('10143');
    expect(await mailHostOf(`rae@${ROUTED}`)).toBe('node-a');
    expect(await rowVersion(`rae@${ROUTED}`)).not.toBe(before);
  });

  it('follows the attribute when the directory removes it, and only after an accepted password', async () => {
    setDirectoryMailHost('rae', 'node-b');
    expect(await nginxAuth(`rae@${ROUTED}`, 'wrong-password')).toMatchObject({ status: 'Invalid login or password', server: null });
    expect(await mailHostOf(`rae@${ROUTED}`)).toBe('node-a');
    expect((await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD)).port).toBe('20143');

    setDirectoryMailHost('rae', null);
    expect((await nginxAuth(`rae@${ROUTED}`, RAE_PASSWORD, 'pop3')).port).toBe('10110');
    expect(await mailHostOf(`rae@${ROUTED}`)).toBeNull();
  });

  it('takes a host name whose first label is a node id, in any case', async () => {
    setDirectoryMailHost('sid', 'Node-B.mail.example.net');
    expect((await nginxAuth(`sid@${ROUTED}`, 'sid-directory-pw')).port).toBe('20143');
    setDirectoryMailHost('sid', 'node-c.mail.example.net');
    // A host that is no node of this cluster is not followed: the domain's node keeps the mailbox.
    expect((await nginxAuth(`sid@${ROUTED}`, 'sid-directory-pw')).port).toBe('10143');
    // Back as it was (never logged in), for the sync tests below.
    setDirectoryMailHost('sid', 'node-b');
    await api.prisma.account.update({ where: { address: `sid@${ROUTED}` }, data: { mailHost: null } });
  });
});

describe('ldap sync', () => {
  it('reports a differing mailHost as an attribute difference and copies it from the directory', async () => {
    // sid never logged in; rae's entry lost its mailHost above, which her last login already copied.
    setDirectoryMailHost('rae', 'node-b');
    await api.prisma.account.update({ where: { address: `una@${ROUTED}` }, data: { mailHost: 'node-b' } });
    const report = await api.staff.post(`/domains/${ROUTED}/auth-source/sync`, { apply: false });
    expect(report.status).toBe(200);
    const dn = (uid: string) => `uid=${uid},${LDAP_PEOPLE}`;
    expect(report.body).toMatchObject({ direction: 'directory-to-schoolmail', remaining: 3 });
    expect(report.body.differences).toEqual([
      { kind: 'attributes', address: `rae@${ROUTED}`, dn: dn('rae'), fields: [{ field: 'mailHost', schoolmail: null, directory: 'node-b' }], repair: 'update-account' },
      { kind: 'attributes', address: `sid@${ROUTED}`, dn: dn('sid'), fields: [{ field: 'mailHost', schoolmail: null, directory: 'node-b' }], repair: 'update-account' },
      { kind: 'attributes', address: `una@${ROUTED}`, dn: dn('una'), fields: [{ field: 'mailHost', schoolmail: 'node-b', directory: null }], repair: 'update-account' },
    ]);
    expect(await mailHostOf(`sid@${ROUTED}`)).toBeNull();

    const applied = await api.staff.post(`/domains/${ROUTED}/auth-source/sync`, { apply: true });
    expect(applied.body).toMatchObject({ applied: true, remaining: 0 });
    expect(await Promise.all(['rae', 'sid', 'una'].map((uid) => mailHostOf(`${uid}@${ROUTED}`)))).toEqual(['node-b', 'node-b', null]);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'ldap.sync.update-account', subjectId: `sid@${ROUTED}` } });
    expect(audit).toMatchObject({ before: { mailHost: null }, after: { mailHost: 'node-b' } });
    expect((await api.staff.post(`/domains/${ROUTED}/auth-source/sync`, {})).body).toMatchObject({ differences: [], remaining: 0 });
  });

  it('a sync-created account takes its mailHost too', async () => {
    slapd.addPerson({ uid: 'vic', mail: `vic@${ROUTED}`, password: 'vic-directory-pw', mailHost: 'node-b' });
    const applied = await api.staff.post(`/domains/${ROUTED}/auth-source/sync`, { apply: true });
    expect(applied.body.differences).toEqual([expect.objectContaining({ address: `vic@${ROUTED}`, repair: 'create-account', result: 'repaired' })]);
    expect(await mailHostOf(`vic@${ROUTED}`)).toBe('node-b');
  });

  it('in a provisioning domain the directory still decides mailHost: the account is repaired, the entry keeps it', async () => {
    expect((await api.staff.put(`/domains/${PROVISIONED}/auth-source`, source({ provisioning: true }))).status).toBe(200);
    expect((await api.staff.post(`/domains/${PROVISIONED}/accounts`, { localPart: 'wes', password: 'violet-harbor-lamp-1', displayName: 'Wes' })).status).toBe(201);
    const [entry] = ldapsearch(slapd, `(mail=wes@${PROVISIONED})`, 'dn');
    ldapModify(slapd, `dn: ${entry!.dn}\nchangetype: modify\nadd: objectClass\nobjectClass: inetLocalMailRecipient\n-\nadd: mailHost\nmailHost: node-b\n-\nreplace: displayName\ndisplayName: Wes In Directory\n`);

    const report = await api.staff.post(`/domains/${PROVISIONED}/auth-source/sync`, { apply: true });
    expect(report.body).toMatchObject({ direction: 'schoolmail-to-directory', remaining: 0 });
    expect(report.body.differences).toEqual([
      expect.objectContaining({ address: `wes@${PROVISIONED}`, fields: [{ field: 'displayName', schoolmail: 'Wes', directory: 'Wes In Directory' }], repair: 'update-entry', result: 'repaired' }),
      expect.objectContaining({ address: `wes@${PROVISIONED}`, fields: [{ field: 'mailHost', schoolmail: null, directory: 'node-b' }], repair: 'update-account', result: 'repaired' }),
    ]);
    const account = await api.prisma.account.findUniqueOrThrow({ where: { address: `wes@${PROVISIONED}` } });
    expect(account).toMatchObject({ displayName: 'Wes', mailHost: 'node-b' });
    expect(ldapsearch(slapd, `(mail=wes@${PROVISIONED})`, 'displayName', 'mailHost')[0]!.attributes).toEqual({ displayName: ['Wes'], mailHost: ['node-b'] });
  });
});
