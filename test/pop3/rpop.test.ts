/**
 * Remote POP: a SECOND engine instance is the remote POP3 server; the local engine's
 * scheduler collects from it. Messages arrive once, leave-on-server is honoured, UIDLs are
 * remembered across runs, word lists and quota apply, failures back off and say why, and
 * nothing is collected while `rpop` is off for the account. The remote servers listen on
 * loopback, which remote POP may not reach by default: the local engine opts in through its
 * allow list, and an engine without it refuses the same sources without connecting.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretKey, Pop3Client, rpopDestinationSettings, SealedSecrets, startEngine } from '@schoolmail/mail-engine';
import { MAIL_PASSWORD, mailbox, mailDomain, startTestEngine, type TestEngine } from '../support/smtp.js';
import { certificateOf, deliver } from './pop3-fixtures.js';

let remote: TestEngine;
let local: TestEngine;
let secrets: SealedSecrets;

const rpopTiming = { pollMilliseconds: 150, concurrency: 3, timeoutMs: 5_000 };
/** The test servers' loopback address and random ports: allowed explicitly, as an operator would (SCHOOLMAIL_RPOP_ALLOW / _PORTS). */
const loopbackAllowed = rpopDestinationSettings({ SCHOOLMAIL_RPOP_ALLOW: '127.0.0.1', SCHOOLMAIL_RPOP_PORTS: '1-65535' });

beforeAll(async () => {
  [remote, local] = await Promise.all([
    startTestEngine({ allowPlainAuth: true, pop3sPort: 0 }),
    startTestEngine({ rpop: { ...rpopTiming, destinations: loopbackAllowed } }),
  ]);
  secrets = new SealedSecrets(loadSecretKey(local.config.dataDir));
  await mailDomain(remote.prisma, 'remote.test');
  await mailDomain(local.prisma, 'local.test');
  await local.prisma.classOfService.create({ data: { name: 'one-mb', mailboxQuotaMb: 1 } });
});

afterAll(async () => {
  await Promise.all([remote?.close(), local?.close()]);
});

async function remoteMailbox(user: string, subjects: Array<{ subject: string; body?: string }>) {
  await mailbox(remote.prisma, `${user}@remote.test`);
  await deliver(remote, `${user}@remote.test`, subjects);
}

async function source(localAddress: string, remoteUser: string, options: { leaveOnServer?: boolean; password?: string; intervalSeconds?: number } = {}) {
  const account = await local.prisma.account.findUniqueOrThrow({ where: { address: localAddress } });
  return local.prisma.rpopSource.create({
    data: {
      accountId: account.id,
      host: '127.0.0.1',
      port: remote.ports.pop3,
      tls: 'none',
      username: `${remoteUser}@remote.test`,
      passwordSealed: secrets.seal(options.password ?? MAIL_PASSWORD),
      intervalSeconds: options.intervalSeconds ?? 1,
      leaveOnServer: options.leaveOnServer ?? true,
    },
  });
}

async function inboxSubjects(engine: TestEngine, address: string): Promise<string[]> {
  const account = await engine.prisma.account.findUniqueOrThrow({ where: { address } });
  const inbox = await engine.engine.store.folder(account.id, 'INBOX');
  if (!inbox) return [];
  const messages = await engine.engine.store.messages(inbox.id);
  const texts = await Promise.all(messages.map((m) => engine.engine.store.read(m.blobId)));
  return texts.map((bytes) => /^Subject: (.*)$/m.exec(bytes.toString('latin1'))?.[1]?.trim() ?? '');
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const row = (id: number) => local.prisma.rpopSource.findUniqueOrThrow({ where: { id } });

describe('collection', () => {
  it('collects each message once, remembers UIDLs across runs, and leaves them on the server when asked', async () => {
    await remoteMailbox('alice', [{ subject: 'a1' }, { subject: 'a2' }, { subject: 'a3', body: '.starts with a dot\r\nend' }]);
    await mailbox(local.prisma, 'keeper@local.test');
    const created = await source('keeper@local.test', 'alice');
    const first = await until('the first run', () => row(created.id), (r) => r.lastSuccessAt !== null);
    expect(first).toMatchObject({ fetchedCount: 3, consecutiveFailures: 0, lastError: null });
    expect((await inboxSubjects(local, 'keeper@local.test')).sort()).toEqual(['a1', 'a2', 'a3']);
    const collected = await local.prisma.account.findUniqueOrThrow({ where: { address: 'keeper@local.test' } });
    const inbox = await local.engine.store.folder(collected.id, 'INBOX');
    const messages = await local.engine.store.messages(inbox!.id);
    const third = (await Promise.all(messages.map((m) => local.engine.store.read(m.blobId)))).map((b) => b.toString('latin1')).find((text) => text.includes('a3'))!;
    expect(third).toContain('\r\n.starts with a dot\r\n');
    expect(third).toMatch(/^Received: from 127\.0\.0\.1 .*\r\n\tby mx\.schoolmail\.test \(Schoolmail\) with POP3 id /);

    // Later runs find the same UIDLs on the server and take nothing again.
    const firstSuccess = first.lastSuccessAt!.getTime();
    await until('two more runs', () => row(created.id), (r) => r.lastSuccessAt!.getTime() > firstSuccess + 1500, 15_000);
    expect(await inboxSubjects(local, 'keeper@local.test')).toHaveLength(3);
    expect(await inboxSubjects(remote, 'alice@remote.test')).toHaveLength(3);
    expect(await local.prisma.rpopSeenMessage.count({ where: { sourceId: created.id } })).toBe(3);

    // A new message on the server is the only one taken next.
    await deliver(remote, 'alice@remote.test', [{ subject: 'a4' }]);
    await until('the new message', () => inboxSubjects(local, 'keeper@local.test'), (subjects) => subjects.length === 4);
    expect((await inboxSubjects(local, 'keeper@local.test')).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect((await row(created.id)).fetchedCount).toBe(4);
  });

  it('deletes collected messages from the server when leaveOnServer is false', async () => {
    await remoteMailbox('bob', [{ subject: 'b1' }, { subject: 'b2' }]);
    await mailbox(local.prisma, 'taker@local.test');
    const created = await source('taker@local.test', 'bob', { leaveOnServer: false });
    await until('the run', () => row(created.id), (r) => r.lastSuccessAt !== null);
    expect((await inboxSubjects(local, 'taker@local.test')).sort()).toEqual(['b1', 'b2']);
    expect(await until('the remote deletion', () => inboxSubjects(remote, 'bob@remote.test'), (subjects) => subjects.length === 0)).toEqual([]);
  });

  it('applies the account\'s word lists: a rejected message is not delivered, a quarantined one is held, a tagged one is marked', async () => {
    await remoteMailbox('carol', [
      { subject: 'clean news' },
      { subject: 'about lunch', body: 'free lunch today' },
      { subject: 'homework', body: 'the cheat sheet' },
      { subject: 'a fight', body: 'there was a fight' },
    ]);
    const account = await mailbox(local.prisma, 'student@local.test');
    const list = (name: string, action: 'reject' | 'quarantine' | 'tag', word: string) =>
      local.prisma.wordList.create({ data: { name, scope: 'account', accountId: account.id, action, direction: 'inbound', entries: { create: [{ text: word }] } } });
    await list('no-lunch', 'reject', 'lunch');
    await list('no-cheating', 'quarantine', 'cheat');
    await list('flag-fights', 'tag', 'fight');
    const created = await source('student@local.test', 'carol');
    await until('the run', () => row(created.id), (r) => r.lastSuccessAt !== null);
    const subjects = await inboxSubjects(local, 'student@local.test');
    expect(subjects.sort()).toEqual(['[Filtered] a fight', 'clean news']);
    const held = await local.prisma.quarantineEntry.findMany({ where: { accountId: account.id } });
    expect(held.map((entry) => entry.subject)).toEqual(['homework']);
    // Refused and quarantined messages are not fetched again either.
    expect(await local.prisma.rpopSeenMessage.count({ where: { sourceId: created.id } })).toBe(4);
  });

  it('stops at a full mailbox: nothing more is delivered or deleted, and the source says why', async () => {
    await remoteMailbox('dave', [{ subject: 'd1', body: 'x'.repeat(300) }]);
    await mailbox(local.prisma, 'full@local.test', { classOfService: 'one-mb', quotaUsedBytes: BigInt(1024 * 1024 - 200) });
    const created = await source('full@local.test', 'dave', { leaveOnServer: false });
    const failed = await until('the deferral', () => row(created.id), (r) => r.consecutiveFailures > 0);
    expect(failed.lastError).toBe('delivery deferred: the mailbox is full');
    expect(await inboxSubjects(local, 'full@local.test')).toEqual([]);
    expect(await inboxSubjects(remote, 'dave@remote.test')).toEqual(['d1']);
  });
});

describe('several engine processes', () => {
  it('share the sources between them, and each message still arrives exactly once', async () => {
    // A second engine on the same database and shared data directory, as a second back-end node.
    const peer = await startEngine({ prisma: local.prisma, config: { ...local.config }, log: () => undefined, queueWorkers: false });
    try {
      const sources = [];
      for (let i = 0; i < 4; i++) {
        await remoteMailbox(`shared${i}`, [{ subject: `s${i}-1` }, { subject: `s${i}-2` }, { subject: `s${i}-3` }]);
        await mailbox(local.prisma, `shared${i}@local.test`);
        sources.push(await source(`shared${i}@local.test`, `shared${i}`));
      }
      for (const created of sources) await until('a run', () => row(created.id), (r) => r.lastSuccessAt !== null);
      // Let both schedulers go over the sources a few more times.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      for (let i = 0; i < 4; i++) expect((await inboxSubjects(local, `shared${i}@local.test`)).sort()).toEqual([`s${i}-1`, `s${i}-2`, `s${i}-3`]);
    } finally {
      await peer.stop();
    }
  });
});

describe('a cluster', () => {
  it('collects a source only on the node holding its mailbox; an unpinned one on any node', async () => {
    const domain = await mailDomain(local.prisma, 'pinned.test');
    await local.prisma.domain.update({ where: { id: domain.id }, data: { backendNode: 'node-b' } });
    await remoteMailbox('pinned', [{ subject: 'for node b' }]);
    await mailbox(local.prisma, 'student@pinned.test');
    const pinned = await source('student@pinned.test', 'pinned');
    await remoteMailbox('unpinned', [{ subject: 'for anyone' }]);
    await mailbox(local.prisma, 'unpinned@local.test');
    const unpinned = await source('unpinned@local.test', 'unpinned');
    // This engine is not node-b: it collects the unpinned source and leaves the pinned one.
    await until('the unpinned source', () => row(unpinned.id), (r) => r.lastSuccessAt !== null);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await row(pinned.id)).lastRunAt).toBeNull();
    expect(await inboxSubjects(local, 'student@pinned.test')).toEqual([]);
    // node-b, on the same database, takes it.
    const nodeB = await startEngine({ prisma: local.prisma, config: { ...local.config, nodeId: 'node-b' }, log: () => undefined, queueWorkers: false });
    try {
      await until('the pinned source', () => row(pinned.id), (r) => r.lastSuccessAt !== null);
      expect(await inboxSubjects(local, 'student@pinned.test')).toEqual(['for node b']);
    } finally {
      await nodeB.stop();
    }
  });
});

describe('failures and the rpop toggle', () => {
  it('backs off after a refused login and keeps the remote server\'s answer', async () => {
    await remoteMailbox('erin', [{ subject: 'e1' }]);
    await mailbox(local.prisma, 'wrongpw@local.test');
    const created = await source('wrongpw@local.test', 'erin', { password: 'not-the-password', intervalSeconds: 60 });
    const failed = await until('the failure', () => row(created.id), (r) => r.consecutiveFailures === 1);
    expect(failed.lastError).toMatch(/^PASS: -ERR \[AUTH\] /);
    // The next try waits twice the interval (not the lease, not the interval).
    const waitSeconds = (failed.nextRunAt.getTime() - failed.lastRunAt!.getTime()) / 1000;
    expect(waitSeconds).toBeGreaterThan(100);
    expect(waitSeconds).toBeLessThan(130);
    expect(await inboxSubjects(local, 'wrongpw@local.test')).toEqual([]);
  });

  it('says why when the server cannot be reached', async () => {
    await mailbox(local.prisma, 'noserver@local.test');
    const account = await local.prisma.account.findUniqueOrThrow({ where: { address: 'noserver@local.test' } });
    const created = await local.prisma.rpopSource.create({
      data: { accountId: account.id, host: '127.0.0.1', port: 1, tls: 'none', username: 'x', passwordSealed: secrets.seal('x'), intervalSeconds: 60 },
    });
    const failed = await until('the failure', () => row(created.id), (r) => r.consecutiveFailures === 1);
    expect(failed.lastError).toMatch(/ECONNREFUSED|closed/);
  });

  it('does not repeat what a server that is not a POP3 server said (no banner of an internal service reaches the API)', async () => {
    const notPop = createServer((socket) => socket.end('SSH-2.0-internal-secret-banner\r\n'));
    await new Promise<void>((resolve) => notPop.listen(0, '127.0.0.1', resolve));
    try {
      const account = await mailbox(local.prisma, 'notpop@local.test');
      const created = await local.prisma.rpopSource.create({
        data: { accountId: account.id, host: '127.0.0.1', port: (notPop.address() as AddressInfo).port, tls: 'none', username: 'x', passwordSealed: secrets.seal('x'), intervalSeconds: 60 },
      });
      const failed = await until('the failure', () => row(created.id), (r) => r.consecutiveFailures === 1);
      expect(failed.lastError).toBe('greeting: not a POP3 answer');
    } finally {
      notPop.close();
    }
  });

  it('collects nothing while rpop is off for the account', async () => {
    await remoteMailbox('frank', [{ subject: 'f1' }]);
    const account = await mailbox(local.prisma, 'norpop@local.test');
    await local.prisma.serviceToggle.create({ data: { service: 'rpop', enabled: false, accountId: account.id, changedBy: 'test' } });
    const created = await source('norpop@local.test', 'frank');
    const skipped = await until('the skipped run', () => row(created.id), (r) => r.lastRunAt !== null && r.lastError !== null);
    expect(skipped.lastError).toMatch(/^not collected: .*rpop/i);
    expect(skipped.consecutiveFailures).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await inboxSubjects(local, 'norpop@local.test')).toEqual([]);
    expect(await local.prisma.rpopSeenMessage.count({ where: { sourceId: created.id } })).toBe(0);
  });
});

describe('destinations remote POP may not reach', () => {
  let strict: TestEngine;
  let decoy: Server;
  let connections = 0;

  beforeAll(async () => {
    // A listener on loopback counts whoever connects: a refused source must not even knock.
    decoy = createServer((socket) => {
      connections++;
      socket.end('+OK decoy\r\n');
    });
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    // The default policy, with only the test ports opened: no allow list.
    const ports = [String(remote.ports.pop3), String((decoy.address() as AddressInfo).port)];
    strict = await startTestEngine({ rpop: { ...rpopTiming, destinations: { ...rpopDestinationSettings({}), ports } } });
    await mailDomain(strict.prisma, 'strict.test');
  });
  afterAll(async () => {
    decoy?.close();
    await strict?.close();
  });

  async function strictSource(address: string, host: string, port: number) {
    const account = await mailbox(strict.prisma, address);
    const strictSecrets = new SealedSecrets(loadSecretKey(strict.config.dataDir));
    return strict.prisma.rpopSource.create({
      data: { accountId: account.id, host, port, tls: 'none', username: 'x@remote.test', passwordSealed: strictSecrets.seal(MAIL_PASSWORD), intervalSeconds: 60 },
    });
  }
  const strictRow = (id: number) => strict.prisma.rpopSource.findUniqueOrThrow({ where: { id } });

  it('refuses a loopback source without connecting, shows why and backs off like any failure', async () => {
    const created = await strictSource('refused@strict.test', '127.0.0.1', (decoy.address() as AddressInfo).port);
    const failed = await until('the refusal', () => strictRow(created.id), (r) => r.consecutiveFailures === 1);
    expect(failed.lastError).toBe('host is a loopback address (127.0.0.1), which remote POP may not reach');
    expect(failed.lastSuccessAt).toBeNull();
    const waitSeconds = (failed.nextRunAt.getTime() - failed.lastRunAt!.getTime()) / 1000;
    expect(waitSeconds).toBeGreaterThan(100);
    expect(waitSeconds).toBeLessThan(130);
    expect(connections).toBe(0);
  });

  it('refuses a name that resolves to loopback at connect time, whatever it resolved to when saved (DNS rebinding)', async () => {
    const created = await strictSource('rebind@strict.test', 'localhost', remote.ports.pop3);
    const failed = await until('the refusal', () => strictRow(created.id), (r) => r.consecutiveFailures === 1);
    expect(failed.lastError).toMatch(/^host resolves to a loopback address \((127\.0\.0\.1|::1)\), which remote POP may not reach$/);
  });

  it('refuses a port outside SCHOOLMAIL_RPOP_PORTS', async () => {
    const created = await strictSource('port@strict.test', '93.184.216.34', 5432);
    const failed = await until('the refusal', () => strictRow(created.id), (r) => r.consecutiveFailures === 1);
    expect(failed.lastError).toBe(`port 5432 is not allowed for remote POP; allowed: ${remote.ports.pop3}, ${(decoy.address() as AddressInfo).port}`);
  });

  it('collects the same loopback source once the allow list names it', async () => {
    await remoteMailbox('optin', [{ subject: 'o1' }]);
    await mailbox(local.prisma, 'optin@local.test');
    const created = await source('optin@local.test', 'optin');
    await until('the run', () => row(created.id), (r) => r.lastSuccessAt !== null);
    expect(await inboxSubjects(local, 'optin@local.test')).toEqual(['o1']);
  });
});

describe('the POP3 client over TLS', () => {
  it('speaks STLS and implicit TLS, verifying the server certificate against the host name while dialling the checked address', async () => {
    await remoteMailbox('gina', [{ subject: 'g1' }]);
    const ca = readFileSync(certificateOf(remote));
    for (const [tls, port] of [['starttls', remote.ports.pop3], ['implicit', remote.ports.pop3s!]] as const) {
      const client = await Pop3Client.connect({ host: '127.0.0.1', port, tls, timeoutMs: 5_000, maxResponseBytes: 1 << 20, tlsOptions: { ca, servername: 'localhost' } });
      await client.login('gina@remote.test', MAIL_PASSWORD);
      const listing = await client.uidl();
      expect(listing).toHaveLength(1);
      expect((await client.retrieve(1)).toString('latin1')).toContain('Subject: g1');
      await client.quit();
    }
    // Checked addresses are dialled while the certificate is verified against the host name.
    for (const [tls, port] of [['starttls', remote.ports.pop3], ['implicit', remote.ports.pop3s!]] as const) {
      const client = await Pop3Client.connect({ host: 'localhost', addresses: [{ address: '127.0.0.1', family: 4 }], port, tls, timeoutMs: 5_000, maxResponseBytes: 1 << 20, tlsOptions: { ca } });
      await client.login('gina@remote.test', MAIL_PASSWORD);
      await client.quit();
    }
    const named = await Pop3Client.connect({ host: 'pop.does-not-resolve.invalid', addresses: [{ address: '127.0.0.1', family: 4 }], port: remote.ports.pop3, tls: 'none', timeoutMs: 5_000, maxResponseBytes: 1 << 20 });
    await named.quit();
    // Without the certificate trusted, TLS is refused (no silent downgrade to trusting anything).
    await expect(Pop3Client.connect({ host: '127.0.0.1', port: remote.ports.pop3s!, tls: 'implicit', timeoutMs: 5_000, maxResponseBytes: 1 << 20 })).rejects.toThrow(/certificate/i);
  });
});
