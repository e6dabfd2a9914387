/**
 * A mailing list takes mail only from whom its posting policy allows, refused at RCPT TO with
 * 550 5.7.1 (so nothing is accepted and then bounced), through real sockets (Python's smtplib).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, mailbox, mailDomain, message, pythonSmtp, startTestEngine, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let env: TestEngine;
const D = 'lists.k12.us';

async function list(localPart: string, postingPolicy: 'anyone' | 'members' | 'owners', members: Array<{ address: string; isOwner?: boolean }>) {
  const domain = await env.prisma.domain.findUniqueOrThrow({ where: { name: D } });
  const address = `${localPart}@${D}`;
  await env.prisma.address.create({ data: { address, kind: 'list', domainId: domain.id } });
  await env.prisma.mailingList.create({ data: { address, localPart, domainId: domain.id, postingPolicy, members: { create: members } } });
  return address;
}

const inboxCount = (address: string) => env.prisma.mailboxMessage.count({ where: { folder: { name: 'INBOX', account: { address } } } });

const mx = (sender: string, recipient: string) => pythonSmtp({ port: env.ports.smtp, sender, recipients: [recipient], message: message({ from: sender || 'mailer-daemon@example.org', to: recipient }) });

const submit = (user: string, recipient: string) =>
  pythonSmtp({ port: env.ports.submission, starttls: true, auth: { user, password: MAIL_PASSWORD }, sender: user, recipients: [recipient], message: message({ from: user, to: recipient }) });

beforeAll(async () => {
  env = await startTestEngine();
  await mailDomain(env.prisma, D);
  for (const name of ['teacher', 'coach', 'student']) await mailbox(env.prisma, `${name}@${D}`);
  await list('parents', 'members', [{ address: `teacher@${D}` }, { address: 'parent@home.example' }]);
  await list('announce', 'owners', [{ address: `coach@${D}`, isOwner: true }, { address: `teacher@${D}` }]);
  await list('help', 'anyone', [{ address: `teacher@${D}` }]);
});
afterAll(() => env?.close());

describe('mailing-list posting policy', () => {
  it('lets members post to a members-only list and refuses others with 550 5.7.1 naming the list', async () => {
    expect(codeOf((await mx('parent@home.example', `parents@${D}`)).reply('data'))).toMatch(/^250/);
    const outsider = await mx('stranger@elsewhere.example', `Parents@${D}`);
    expect(codeOf(outsider.reply('rcpt'))).toBe('550 5.7.1');
    expect(outsider.reply('rcpt')!.message).toContain(`Only members of parents@${D}`);
    const student = await submit(`student@${D}`, `parents@${D}`);
    expect(codeOf(student.reply('rcpt'))).toBe('550 5.7.1');
    expect(await inboxCount(`teacher@${D}`)).toBe(1);
  });

  it('lets only owners post to an owners-only list, members included', async () => {
    expect(codeOf((await submit(`teacher@${D}`, `announce@${D}`)).reply('rcpt'))).toBe('550 5.7.1');
    expect(codeOf((await submit(`coach@${D}`, `announce@${D}`)).reply('data'))).toMatch(/^250/);
  });

  it('takes mail from anyone for an open list, and never a bounce for a closed one', async () => {
    expect(codeOf((await mx('stranger@elsewhere.example', `help@${D}`)).reply('data'))).toMatch(/^250/);
    expect(codeOf((await mx('', `parents@${D}`)).reply('rcpt'))).toBe('550 5.7.1');
  });
});
