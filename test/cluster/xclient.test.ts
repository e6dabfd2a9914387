/**
 * XCLIENT and relayed mail on a back-end's listeners, over raw sockets: only the cluster's
 * own machines (SCHOOLMAIL_CLUSTER_NETWORKS) may hand over a client's address and login, and
 * only they may relay mail from a local-domain sender to the MX without authenticating.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailDomain, mailbox, startTestEngine, type TestEngine } from '../support/smtp.js';

/** Sends each line after the previous reply (the greeting first); answers every reply, multi-line ones joined. */
function dialog(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: string[] = [];
    const pending = [...lines];
    let buffer = '';
    let reply: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        reply.push(line);
        if (line[3] === '-') continue;
        replies.push(reply.join('\n'));
        reply = [];
        const next = pending.shift();
        if (next === undefined) socket.end();
        else socket.write(`${next}\r\n`);
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(replies));
  });
}

const MESSAGE = 'Subject: forwarded\r\n\r\nhello\r\n.';

async function seed(env: TestEngine) {
  await mailDomain(env.prisma, 'alpha.test');
  await mailbox(env.prisma, 'ann@alpha.test');
  await mailbox(env.prisma, 'bob@alpha.test');
}

describe('a back-end whose cluster networks do not include the client', () => {
  let env: TestEngine;
  beforeAll(async () => {
    env = await startTestEngine({ clusterNetworks: ['192.0.2.0/24'] });
    await seed(env);
  });
  afterAll(() => env?.close());

  it('refuses a session changed by XCLIENT, XCLIENT LOGIN, and a local-domain sender on the MX', async () => {
    const forged = await dialog(env.ports.smtp, ['EHLO proxy.example', 'XCLIENT ADDR=10.1.2.3', 'EHLO client.example', 'MAIL FROM:<x@remote.example>', 'QUIT']);
    expect(forged[4]).toMatch(/^550 5\.7\.0 XCLIENT is not allowed/);
    const login = await dialog(env.ports.submission, ['EHLO proxy.example', 'XCLIENT LOGIN=ann@alpha.test']);
    expect(login[2]).toMatch(/^550 /);
    const relay = await dialog(env.ports.smtp, ['EHLO other-backend.example', 'MAIL FROM:<ann@alpha.test>', 'QUIT']);
    expect(relay[2]).toMatch(/^553 5\.7\.1/);
    expect(await env.prisma.mailboxMessage.count()).toBe(0);
  });
});

describe('a back-end whose cluster networks include the client (nginx, another back-end)', () => {
  let env: TestEngine;
  beforeAll(async () => {
    env = await startTestEngine({ clusterNetworks: ['127.0.0.0/8'] });
    await seed(env);
  });
  afterAll(() => env?.close());

  const storedRaw = async (address: string) => {
    const rows = await env.prisma.mailboxMessage.findMany({ where: { folder: { account: { address } } }, select: { blobId: true } });
    return Promise.all(rows.map(async (row) => (await env.engine.blobs.read(row.blobId)).toString()));
  };

  it('takes the client address and the login nginx verified from XCLIENT', async () => {
    const replies = await dialog(env.ports.submission, [
      'EHLO nginx.example',
      'XCLIENT ADDR=203.0.113.9 LOGIN=ann@alpha.test NAME=[UNAVAILABLE]',
      'EHLO client.example',
      'MAIL FROM:<ann@alpha.test>',
      'RCPT TO:<bob@alpha.test>',
      'DATA',
      MESSAGE,
      'QUIT',
    ]);
    expect(replies[1]).toContain('XCLIENT');
    expect(replies[2]).toMatch(/^220 /);
    expect(replies[7]).toMatch(/^250 /);
    const [raw] = await storedRaw('bob@alpha.test');
    expect(raw).toMatch(/^Received: from client\.example \(\[203\.0\.113\.9\]\)\r\n\tby mx\.schoolmail\.test \(Schoolmail\) with ESMTPA/);
  });

  it('refuses XCLIENT LOGIN of an unknown account, and a forwarded client may not use a local sender without a login', async () => {
    const unknown = await dialog(env.ports.submission, ['EHLO nginx.example', 'XCLIENT LOGIN=nobody@alpha.test']);
    expect(unknown[2]).toMatch(/^550 /);
    const forwarded = await dialog(env.ports.smtp, ['EHLO nginx.example', 'XCLIENT ADDR=203.0.113.10', 'EHLO client.example', 'MAIL FROM:<ann@alpha.test>', 'QUIT']);
    expect(forwarded[4]).toMatch(/^553 5\.7\.1/);
  });

  it('accepts mail relayed by another back-end from a local-domain sender on the MX', async () => {
    const replies = await dialog(env.ports.smtp, ['EHLO backend-a.example', 'MAIL FROM:<ann@alpha.test>', 'RCPT TO:<bob@alpha.test>', 'DATA', MESSAGE, 'QUIT']);
    expect(replies.slice(2, 6).map((r) => r.slice(0, 3))).toEqual(['250', '250', '354', '250']);
    expect(await storedRaw('bob@alpha.test')).toHaveLength(2);
  });
});
