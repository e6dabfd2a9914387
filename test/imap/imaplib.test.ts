/**
 * Every IMAP command group through Python's imaplib, an independent client: folders, SELECT
 * and EXAMINE, APPEND, FETCH (items, sections, partial ranges), STORE, SEARCH, COPY, MOVE,
 * EXPUNGE, CLOSE and UNSELECT, on mail delivered over SMTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonImap } from '../support/imap.js';
import { message, mailbox, mailDomain, pythonSmtp, startTestEngine, MAIL_PASSWORD, type TestEngine } from '../support/smtp.js';

let mail: TestEngine;
const USER = 'ann@school.test';
const b64 = (text: string) => ({ b64: Buffer.from(text).toString('base64') });

const MULTIPART = [
  'From: Bob Sender <bob@outside.test>',
  'To: Ann <ann@school.test>',
  'Subject: Field trip',
  'Date: Mon, 02 Feb 2026 10:00:00 +0000',
  'Message-ID: <trip@outside.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="XX"',
  '',
  '--XX',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bring a packed lunch.',
  '--XX',
  'Content-Type: application/pdf; name="form.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--XX--',
  '',
].join('\r\n');

const session = (steps: Array<[string, ...unknown[]]>) => pythonImap({ port: mail.ports.imap, user: USER, password: MAIL_PASSWORD, steps });
/** A refused step: imaplib answers NO as a result and BAD as an error. */
const refusal = (step: { typ?: string; data?: unknown[]; error?: string }) => step.error ?? `${step.typ} ${String(step.data?.[0])}`;

beforeAll(async () => {
  mail = await startTestEngine();
  await mailDomain(mail.prisma, 'school.test');
  await mailbox(mail.prisma, USER);
  for (const body of [MULTIPART, message({ from: 'carol@outside.test', to: USER, subject: 'Lunch menu', body: 'Pizza on Friday' })]) {
    const sent = await pythonSmtp({ port: mail.ports.smtp, sender: 'bob@outside.test', recipients: [USER], message: body });
    expect(sent.reply('data')?.code).toBe(250);
  }
});
afterAll(() => mail?.close());

describe('imaplib', () => {
  it('logs in over STARTTLS and lists the special-use folders', async () => {
    const result = await session([['list'], ['lsub'], ['namespace'], ['noop']]);
    expect(result.capabilities).toContain('AUTH=PLAIN');
    expect(result.step('login').typ).toBe('OK');
    const list = result.step('list').data as string[];
    expect(list).toEqual(expect.arrayContaining(['(\\HasNoChildren) "/" INBOX', '(\\HasNoChildren \\Sent) "/" Sent', '(\\HasNoChildren \\Drafts) "/" Drafts', '(\\HasNoChildren \\Trash) "/" Trash', '(\\HasNoChildren \\Junk) "/" Junk']));
    expect(result.step('namespace').data).toEqual(['(("" "/")) NIL NIL']);
  });

  it('creates, renames, subscribes, reports STATUS and deletes folders, with the RFC 5530 codes', async () => {
    const result = await session([
      ['create', 'Projects/2026'],
      ['create', 'Projects/2026'],
      ['rename', 'Projects/2026', 'Projects/&AMk-l&AOg-ves'],
      ['subscribe', 'Projects/&AMk-l&AOg-ves'],
      ['lsub', '""', 'Projects/*'],
      ['list', '""', 'Projects/%'],
      ['list', '""', '%'],
      ['status', 'Projects/&AMk-l&AOg-ves', '(MESSAGES UNSEEN UIDNEXT UIDVALIDITY RECENT)'],
      ['status', 'INBOX', '(MESSAGES UNSEEN)'],
      ['status', 'Nowhere', '(MESSAGES)'],
      ['unsubscribe', 'Projects/&AMk-l&AOg-ves'],
      ['delete', 'Projects/&AMk-l&AOg-ves'],
      ['delete', 'INBOX'],
      ['select', 'Nowhere'],
    ]);
    const creates = result.steps.filter((s) => s.step === 'create');
    expect(creates[0]!.typ).toBe('OK');
    expect(refusal(creates[1]!)).toMatch(/^NO \[ALREADYEXISTS\]/);
    expect(result.step('lsub').data).toEqual(['() "/" Projects/&AMk-l&AOg-ves']);
    expect(result.steps.filter((s) => s.step === 'list')[0]!.data).toEqual(['(\\HasNoChildren) "/" Projects/&AMk-l&AOg-ves']);
    expect(result.steps.filter((s) => s.step === 'list')[1]!.data).toContain('(\\HasChildren) "/" Projects');
    const statuses = result.steps.filter((s) => s.step === 'status');
    expect(statuses[0]!.data![0]).toMatch(/^Projects\/&AMk-l&AOg-ves \(MESSAGES 0 UNSEEN 0 UIDNEXT 1 UIDVALIDITY \d+ RECENT 0\)$/);
    expect(statuses[1]!.data).toEqual(['INBOX (MESSAGES 2 UNSEEN 2)']);
    expect(refusal(statuses[2]!)).toMatch(/^NO \[NONEXISTENT\]/);
    const deletes = result.steps.filter((s) => s.step === 'delete');
    expect(deletes[0]!.typ).toBe('OK');
    expect(refusal(deletes[1]!)).toMatch(/^NO \[CANNOT\]/);
    expect(refusal(result.step('select'))).toMatch(/^NO \[NONEXISTENT\]/);
  });

  it('SELECT and EXAMINE report flags, counts and UID state; EXAMINE is read-only', async () => {
    const result = await session([['select', 'INBOX', true], ['store', '1', '+FLAGS', '\\Flagged']]);
    expect(result.step('select')).toMatchObject({ typ: 'OK', data: ['2'] });
    expect(refusal(result.step('store'))).toMatch(/^NO \[READ-ONLY\]/);
  });

  it('FETCH: flags, size, dates, envelope, body structure, sections and partial ranges, without setting \\Seen by PEEK', async () => {
    const result = await session([
      ['select', 'INBOX'],
      ['fetch', '1', '(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)'],
      ['fetch', '1', '(BODYSTRUCTURE)'],
      ['fetch', '1', '(BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[]<0.10>)'],
      ['fetch', '1', '(FLAGS)'],
      ['fetch', '2', '(BODY[TEXT])'],
      ['fetch', '2', '(FLAGS)'],
      ['fetch', '99', '(FLAGS)'],
    ]);
    const fetches = result.steps.filter((s) => s.step === 'fetch');
    const summary = fetches[0]!.data![0] as string;
    expect(summary).toMatch(/^1 \(UID 1 FLAGS \(\) RFC822\.SIZE \d+ INTERNALDATE "\d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} \+0000" ENVELOPE \("Mon, 02 Feb 2026 10:00:00 \+0000" "Field trip" \(\("Bob Sender" NIL "bob" "outside.test"\)\)/);
    expect(fetches[1]!.data![0]).toMatch(/BODYSTRUCTURE \(\("text" "plain" \("charset" "utf-8"\).*"mixed"/i);
    const sections = fetches[2]!.data as Array<string | string[]>;
    const literals = sections.filter(Array.isArray).map((pair) => pair[1]);
    expect(literals).toEqual(['Subject: Field trip\r\n\r\n', 'Bring a packed lunch.', 'Content-Type: application/pdf; name="form.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n', expect.stringMatching(/^.{10}$/s)]);
    expect(fetches[3]!.data).toEqual(['1 (FLAGS ())']);
    // Reading without PEEK set \Seen, and the response says so.
    expect(fetches[4]!.data).toEqual([['2 (BODY[TEXT] {17}', 'Pizza on Friday\r\n'], ' FLAGS (\\Seen))']);
    expect(fetches[5]!.data).toEqual(['2 (FLAGS (\\Seen))']);
    expect(fetches[6]!.error).toMatch(/BAD/);
  });

  it('STORE, SEARCH, APPEND, COPY, MOVE and EXPUNGE with UIDPLUS codes', async () => {
    const result = await session([
      ['select', 'INBOX'],
      ['store', '1', '+FLAGS', '(\\Flagged $Important)'],
      ['search', null, 'FLAGGED'],
      ['search', null, 'OR', 'SUBJECT', '"lunch"', 'FROM', 'bob', 'UNDELETED'],
      ['search', null, 'BODY', 'packed'],
      ['search', 'UTF-8', 'SINCE', '1-Jan-2020', 'LARGER', '10'],
      ['search', 'KOI8-R', 'ALL'],
      ['uid', 'SEARCH', 'UID', '2:*'],
      ['append', 'INBOX', '(\\Seen)', '"05-Mar-2026 09:30:00 +0100"', b64(message({ from: USER, to: USER, subject: 'Draft notes' }))],
      ['append', 'Missing', null, null, b64('Subject: x\r\n\r\ny')],
      ['copy', '1:2', 'Trash'],
      ['copy', '1', 'Missing'],
      ['uid', 'MOVE', '3', 'Drafts'],
      ['store', '2', '+FLAGS.SILENT', '(\\Deleted)'],
      ['expunge'],
      ['uid', 'FETCH', '1:*', '(FLAGS)'],
      ['select', 'Drafts'],
      ['fetch', '1', '(INTERNALDATE FLAGS)'],
      ['unselect'],
      ['select', 'Trash'],
      ['store', '1', '+FLAGS', '(\\Deleted)'],
      ['close'],
      ['status', 'Trash', '(MESSAGES)'],
    ]);
    expect(result.steps.find((s) => s.step === 'store')!.data).toEqual(['1 (FLAGS (\\Flagged $Important))']);
    const searches = result.steps.filter((s) => s.step === 'search');
    expect(searches.slice(0, 4).map((s) => s.data)).toEqual([['1'], ['1 2'], ['1'], ['1 2']]);
    expect(refusal(searches[4]!)).toMatch(/^NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
    expect(result.step('uid search').data).toEqual(['2']);
    const appends = result.steps.filter((s) => s.step === 'append');
    expect(appends[0]!.data![0]).toMatch(/^\[APPENDUID \d+ 3\] /);
    expect(refusal(appends[1]!)).toMatch(/^NO \[TRYCREATE\]/);
    const copies = result.steps.filter((s) => s.step === 'copy');
    expect(copies[0]!.data![0]).toMatch(/^\[COPYUID \d+ 1:2 1:2\] /);
    expect(refusal(copies[1]!)).toMatch(/^NO \[TRYCREATE\]/);
    expect(result.step('uid move').typ).toBe('OK');
    // imaplib gathers every EXPUNGE since the last command: MOVE's (sequence 3), then EXPUNGE's own.
    expect(result.step('expunge').data).toEqual(['3', '2']);
    expect(result.step('uid fetch').data).toEqual(['1 (UID 1 FLAGS (\\Flagged $Important))']);
    expect(result.steps.filter((s) => s.step === 'fetch').at(-1)!.data).toEqual(['1 (INTERNALDATE "05-Mar-2026 08:30:00 +0000" FLAGS (\\Seen))']);
    expect(result.step('close').typ).toBe('OK');
    expect(result.step('status').data).toEqual(['Trash (MESSAGES 1)']);
  });
});
