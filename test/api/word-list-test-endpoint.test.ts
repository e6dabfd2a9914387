import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox } from '../support/mailboxes.js';

let api: TestApi;
let people: Districts;
let jane: ApiClient;
const lists: Record<string, number> = {};

const JANE = 'jane@west.district1.k12.us';
const RESULT_FIELDS = 'account direction action truncated matches { listId listName entry action where start end matched excerpt } lists { id name scope action } checked { id name scope action direction } waived { id name scope action direction reason }';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await createMailbox(api, JANE, { password: 'jane-password-1' });
  await createMailbox(api, 'joe@district2.k12.us');
  jane = await api.login(JANE, 'jane-password-1');
  const create = async (client: ApiClient, body: Record<string, unknown>) => {
    const response = await client.post('/word-lists', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    lists[body.name as string] = response.body.id;
  };
  await create(people.staff, { name: 'System profanity', scope: 'system', action: 'reject', direction: 'both', entries: ['fuck', 'mierda'] });
  await create(people.staff, { name: 'System outbound', scope: 'system', action: 'tag', direction: 'outbound', entries: ['homework answers'] });
  await create(people.postmaster1, { name: 'District watch', scope: 'domain', domain: 'district1.k12.us', action: 'quarantine', entries: ['дурак', 'skip school'] });
  await create(people.postmaster1, { name: 'West tags', scope: 'domain', domain: 'west.district1.k12.us', action: 'tag', entries: ['pizza'] });
  await create(people.postmaster1, { name: 'East only', scope: 'domain', domain: 'east.district1.k12.us', action: 'reject', entries: ['pizza', 'skip school'] });
  await create(people.postmaster2, { name: 'District 2', scope: 'domain', domain: 'district2.k12.us', action: 'reject', entries: ['pizza'] });
  await create(jane, { name: 'My blocks', scope: 'account', account: JANE, action: 'tag', entries: ['spam offer'] });
});
afterAll(() => api?.close());

describe('POST /word-lists/test', () => {
  it('applies system, parent-domain, domain and account lists to a sub-domain mailbox; the strictest action wins', async () => {
    const response = await people.postmaster1.post('/word-lists/test', {
      account: 'Jane@West.District1.k12.us',
      subject: 'Let us SKIP   school for pizza',
      body: 'Ты д у р а к! Great spam offer.',
    });
    expect(response.status).toBe(200);
    expect(response.body.account).toBe(JANE);
    expect(response.body.direction).toBe('inbound');
    expect(response.body.action).toBe('quarantine');
    expect(response.body.matches).toEqual([
      expect.objectContaining({ listName: 'District watch', entry: 'skip school', where: 'subject', action: 'quarantine', matched: 'SKIP   school', start: 7, end: 20 }),
      expect.objectContaining({ listName: 'West tags', entry: 'pizza', where: 'subject', action: 'tag', matched: 'pizza' }),
      expect.objectContaining({ listName: 'District watch', entry: 'дурак', where: 'text', matched: 'д у р а к' }),
      expect.objectContaining({ listName: 'My blocks', entry: 'spam offer', where: 'text', matched: 'spam offer' }),
    ]);
    expect(response.body.lists.map((l: { name: string }) => l.name).sort()).toEqual(['District watch', 'My blocks', 'West tags']);
    // Lists of sibling and other districts, and outbound-only lists, are not considered.
    expect(response.body.checked.map((l: { name: string }) => l.name)).toEqual(['System profanity', 'District watch', 'West tags', 'My blocks']);
  });

  it('filters by direction and decodes a raw RFC 5322 message', async () => {
    const raw = [
      'From: jane@west.district1.k12.us',
      'To: someone@example.com',
      'Subject: =?UTF-8?Q?Homework_answers?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Qu=E9 MI=C9RDA',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>f<b>u</b>ck</p>',
      '--b--',
      '',
    ].join('\r\n');
    const outbound = await people.postmaster1.post('/word-lists/test', { account: JANE, direction: 'outbound', raw });
    expect(outbound.status).toBe(200);
    expect(outbound.body.action).toBe('reject');
    expect(outbound.body.matches.map((m: { where: string; entry: string; matched: string }) => `${m.where}:${m.entry}:${m.matched}`)).toEqual([
      'subject:homework answers:Homework answers',
      'text:mierda:MIÉRDA',
      'html:fuck:fuck',
    ]);
    const inbound = await jane.post('/word-lists/test', { account: JANE, raw });
    expect(inbound.body.matches.map((m: { listName: string }) => m.listName)).toEqual(['System profanity', 'System profanity']);
    expect(inbound.body.checked.map((l: { name: string }) => l.name)).not.toContain('System outbound');
  });

  it("tells a mailbox owner which list matched what in its own mail, never a system or domain list's entries", async () => {
    const response = await jane.post('/word-lists/test', { account: JANE, subject: 'Homework answers', body: 'mierda, skip school and a spam offer' });
    expect(response.status).toBe(200);
    expect(response.body.action).toBe('reject');
    expect(response.body.matches.map((m: { listName: string; entry: string | null; matched: string }) => `${m.listName}:${m.entry}:${m.matched}`)).toEqual([
      'System profanity:null:mierda',
      'District watch:null:skip school',
      'My blocks:spam offer:spam offer',
    ]);
    // The same test by the district's postmaster names the entries.
    const admin = await people.postmaster1.post('/word-lists/test', { account: JANE, subject: 'Homework answers', body: 'mierda, skip school and a spam offer' });
    expect(admin.body.matches.map((m: { entry: string }) => m.entry)).toEqual(['mierda', 'skip school', 'spam offer']);
  });

  it('sees a list change at once (the compiled set is keyed by list versions)', async () => {
    const before = await people.postmaster1.post('/word-lists/test', { account: JANE, body: 'free kittens' });
    expect(before.body.action).toBeNull();
    const edit = await people.postmaster1.patch(`/word-lists/${lists['West tags']}`, { addEntries: ['kittens'], action: 'reject' });
    expect(edit.status).toBe(200);
    const after = await people.postmaster1.post('/word-lists/test', { account: JANE, body: 'free kittens' });
    expect(after.body.action).toBe('reject');
    expect(after.body.matches).toEqual([expect.objectContaining({ entry: 'kittens', listName: 'West tags', action: 'reject' })]);
  });

  it('answers 404 for a mailbox out of scope or unknown, and 400 naming the field for bad input', async () => {
    for (const [client, account] of [
      [people.postmaster2, JANE],
      [people.westAdmin, 'joe@district2.k12.us'],
      [jane, 'joe@district2.k12.us'],
      [people.staff, 'nobody@district1.k12.us'],
    ] as const) {
      const response = await client.post('/word-lists/test', { account, body: 'fuck' });
      expect(response.status, `${account}`).toBe(404);
      expect(response.body).toMatchObject({ status: 404, detail: `account ${account} does not exist` });
    }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ body: 'x' }, 'account'],
      [{ account: 'not-an-address', body: 'x' }, 'account'],
      [{ account: JANE }, 'raw'],
      [{ account: JANE, raw: 'Subject: x\r\n\r\nx', body: 'x' }, 'raw'],
      [{ account: JANE, body: 'x', direction: 'sideways' }, 'direction'],
      [{ account: JANE, body: 5 }, 'body'],
      [{ account: JANE, body: 'x', send: true }, '(body)'],
      [{ account: JANE, body: 'x', sender: 'not an address' }, 'sender'],
      [{ account: JANE, body: 'x', clientIp: '10.0.0.0/8' }, 'clientIp'],
    ];
    for (const [body, field] of cases) {
      const response = await people.postmaster1.post('/word-lists/test', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors[0].field, JSON.stringify(body)).toBe(field);
    }
  });

  it('lets a sub-domain admin test its own mailboxes, which get the parent domain lists too', async () => {
    const response = await people.westAdmin.post('/word-lists/test', { account: JANE, body: 'skip school' });
    expect(response.status).toBe(200);
    expect(response.body.action).toBe('quarantine');
    expect(response.body.lists).toEqual([{ id: lists['District watch'], name: 'District watch', scope: 'domain', action: 'quarantine' }]);
    // It may not read the parent district's list (GET answers 404), so the entry is not named.
    expect(response.body.matches).toEqual([expect.objectContaining({ listName: 'District watch', entry: null, matched: 'skip school' })]);
  });
});

describe('GraphQL testWordLists', () => {
  it('gives the same answer as REST', async () => {
    const input = { account: JANE, subject: 'pizza', body: 'skip school, fuuuck', direction: 'inbound' };
    const rest = await people.postmaster1.post('/word-lists/test', input);
    const graphql = await people.postmaster1.graphql(
      `query($account: String!, $subject: String, $body: String, $direction: String) {
        testWordLists(account: $account, subject: $subject, body: $body, direction: $direction) { ${RESULT_FIELDS} }
      }`,
      input,
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data.testWordLists).toEqual(rest.body);
    expect(rest.body.action).toBe('reject');
  });

  it('answers NOT_FOUND out of scope and BAD_USER_INPUT for bad input', async () => {
    const outOfScope = await people.postmaster2.graphql(`{ testWordLists(account: "${JANE}", body: "x") { action } }`);
    expect(outOfScope.errors![0].extensions.code).toBe('NOT_FOUND');
    const bad = await people.postmaster1.graphql(`{ testWordLists(account: "${JANE}") { action } }`);
    expect(bad.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
