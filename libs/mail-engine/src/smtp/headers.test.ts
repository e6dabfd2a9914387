import { describe, expect, it } from 'vitest';
import { countReceived, rawSubject, receivedHeader, tagMessage } from './headers.js';

const raw = (headers: string[], body = 'Body line\r\nReceived: in the body does not count\r\n') => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1');

describe('countReceived', () => {
  it('counts Received headers in the header section only, any case', () => {
    expect(countReceived(raw(['Received: a', 'received: b', 'RECEIVED: c', 'Subject: x']))).toBe(3);
    expect(countReceived(raw(['Subject: none']))).toBe(0);
    expect(countReceived(Buffer.from('Received: a\nReceived: b\n\nReceived: body'))).toBe(2);
  });
});

describe('rawSubject', () => {
  it('unfolds a folded subject', () => {
    expect(rawSubject(raw(['From: a@b.c', 'Subject: one', '\ttwo', 'To: x@y.z']))).toBe('one two');
    expect(rawSubject(raw(['From: a@b.c']))).toBeNull();
  });
});

describe('receivedHeader', () => {
  it('names the client, us, the protocol, the queue id and a lone recipient, and cannot be split by client text', () => {
    const header = receivedHeader({
      heloName: 'evil\r\nX-Injected: yes',
      clientIp: '192.0.2.1',
      hostname: 'mx.example',
      transmissionType: 'ESMTPS',
      queueId: 'ABC123DEF456',
      recipient: 'jane@example.org',
      at: new Date('2026-11-03T10:00:00Z'),
    });
    expect(header).toBe(
      'Received: from evilX-Injected:yes ([192.0.2.1])\r\n\tby mx.example (Schoolmail) with ESMTPS id ABC123DEF456\r\n\tfor <jane@example.org>;\r\n\tTue, 03 Nov 2026 10:00:00 +0000\r\n',
    );
  });
});

describe('tagMessage', () => {
  it('prefixes the subject once, adds the filter header, and keeps every other byte', () => {
    const original = raw(['From: a@b.c', 'Subject: caf\xe9 menu', 'To: x@y.z'], 'b\xf6dy\r\n');
    const tagged = tagMessage(original, '[Filtered]', ['district list']);
    expect(tagged.toString('latin1')).toBe('X-Schoolmail-Filter: tagged by word list district list\r\nFrom: a@b.c\r\nSubject: [Filtered] caf\xe9 menu\r\nTo: x@y.z\r\n\r\nb\xf6dy\r\n');
    expect(tagMessage(tagged, '[Filtered]', ['x']).toString('latin1')).toContain('Subject: [Filtered] caf\xe9 menu');
  });

  it('adds a subject to a message without one', () => {
    expect(tagMessage(raw(['From: a@b.c']), '[Filtered]', ['l']).toString()).toContain('Subject: [Filtered]\r\nFrom: a@b.c');
  });
});
