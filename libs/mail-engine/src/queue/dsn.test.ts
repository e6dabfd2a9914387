import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn, headersOf, statusOfReply } from './dsn.js';

const original = Buffer.from('From: Ana <ana@district1.k12.us>\r\nTo: bob@remote.test\r\nSubject: Field trip\r\nMessage-ID: <trip@district1.k12.us>\r\n\r\nSecret body text\r\n');

describe('DSN (RFC 3464)', () => {
  it('takes the enhanced status from the reply, else the generic one of its class', () => {
    expect(statusOfReply(550, '550 5.1.1 No such user')).toBe('5.1.1');
    expect(statusOfReply(554, '554-5.7.1 Policy\r\n554 5.7.1 rejected')).toBe('5.7.1');
    expect(statusOfReply(550, '550 mailbox unavailable')).toBe('5.0.0');
    expect(statusOfReply(null, 'connection refused')).toBe('4.0.0');
  });

  it('keeps only the header block of the returned message', () => {
    expect(headersOf(original)).toBe('From: Ana <ana@district1.k12.us>\r\nTo: bob@remote.test\r\nSubject: Field trip\r\nMessage-ID: <trip@district1.k12.us>\r\n');
    expect(headersOf(Buffer.from('Subject: x\n\nbody\n'))).toBe('Subject: x\r\n');
  });

  it('builds a multipart/report with readable text, delivery-status and the original headers, readable by a MIME parser', async () => {
    const bytes = buildDsn({
      hostname: 'mx.schoolmail.test',
      queueId: 'ABC123',
      to: 'ana@district1.k12.us',
      arrivalDate: new Date('2026-01-05T10:00:00Z'),
      now: new Date('2026-01-05T10:05:00Z'),
      original,
      recipients: [
        { recipient: 'bob@remote.test', kind: 'rejected', status: '5.1.1', diagnostic: '550 5.1.1 No such user', fromRemoteServer: true, remoteMta: 'mx.remote.test', lastAttemptAt: new Date('2026-01-05T10:04:00Z') },
        { recipient: 'eve@nowhere.test', kind: 'routing', status: '5.1.2', diagnostic: 'domain nowhere.test does not exist', fromRemoteServer: false, remoteMta: null, lastAttemptAt: null },
      ],
    });
    const text = bytes.toString();
    expect(text).not.toContain('Secret body text');
    const parsed = await simpleParser(bytes);
    expect(parsed.from?.value).toEqual([{ name: 'Mail Delivery System', address: 'MAILER-DAEMON@mx.schoolmail.test' }]);
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender: Field trip');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.inReplyTo).toBe('<trip@district1.k12.us>');
    expect((parsed.headers.get('content-type') as { value: string; params: Record<string, string> }).value).toBe('multipart/report');
    expect((parsed.headers.get('content-type') as { params: Record<string, string> }).params['report-type']).toBe('delivery-status');
    expect(parsed.text).toContain('could not be delivered to these 2 recipients');
    expect(parsed.text).toContain('The mail server for this address (mx.remote.test) refused the message. It said:\n    550 5.1.1 No such user');
    expect(parsed.text).toContain('The destination could not be found: domain nowhere.test does not exist');
    // The three parts in order, by their own headers (mailparser folds delivery-status into the text).
    const boundary = (parsed.headers.get('content-type') as { params: Record<string, string> }).params.boundary!;
    const parts = text.split(`--${boundary}`).slice(1, -1).map((part) => {
      const [head, ...body] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      return [/^Content-Type: ([^;\r\n]+)/i.exec(head!)![1], body.join('\r\n\r\n')] as const;
    });
    expect(parts.map(([type]) => type)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    const status = parts[1]![1];
    expect(status).toContain('Reporting-MTA: dns; mx.schoolmail.test\r\nX-Schoolmail-Queue-ID: ABC123\r\nArrival-Date: Mon, 05 Jan 2026 10:00:00 +0000\r\n\r\n');
    expect(status).toContain(
      'Final-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user\r\nLast-Attempt-Date: Mon, 05 Jan 2026 10:04:00 +0000\r\n',
    );
    expect(status).toContain('Final-Recipient: rfc822; eve@nowhere.test\r\nAction: failed\r\nStatus: 5.1.2\r\nDiagnostic-Code: X-Schoolmail; domain nowhere.test does not exist\r\n');
    const headers = parts[2]![1];
    expect(headers).toContain('Subject: Field trip');
  });

  it('encodes a non-ASCII explanation so the report stays 7-bit', () => {
    const bytes = buildDsn({ hostname: 'mx.test', queueId: 'Q', to: 'a@b.test', arrivalDate: new Date(), original: null, recipients: [{ recipient: 'josé@ejemplo.test', kind: 'rejected', status: '5.1.1', diagnostic: '550 5.1.1 usuario desconocido', fromRemoteServer: true, remoteMta: 'mx.ejemplo.test', lastAttemptAt: null }] });
    const head = bytes.toString('latin1').split('Content-Type: message/delivery-status')[0]!;
    expect(head).toContain('Content-Transfer-Encoding: base64');
  });
});
