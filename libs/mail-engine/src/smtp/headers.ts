/**
 * The few header edits the pipeline makes on raw bytes (the body is never re-encoded): count
 * the Received headers, prepend ours, and tag a message (subject prefix + X-Schoolmail-Filter).
 */

/** Where the header section ends (the index of the blank line), or the whole message. */
function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf < 0) return lf < 0 ? raw.length : lf;
  return lf < 0 ? crlf : Math.min(crlf, lf);
}

export function headerSection(raw: Buffer): string {
  return raw.subarray(0, headerEnd(raw)).toString('latin1');
}

export function countReceived(raw: Buffer): number {
  return headerSection(raw).match(/^received:/gim)?.length ?? 0;
}

/** The raw (possibly RFC 2047 encoded) Subject, unfolded; null when there is none. */
export function rawSubject(raw: Buffer): string | null {
  const match = /^subject:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headerSection(raw));
  return match ? match[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

export interface ReceivedInfo {
  heloName: string;
  clientIp: string;
  hostname: string;
  transmissionType: string;
  queueId: string;
  /** Named when the message has exactly one recipient (RFC 5321: not to leak a list). */
  recipient?: string;
  at: Date;
}

const clean = (text: string) => text.replace(/[^\x21-\x7e]/g, '');

export function receivedHeader(info: ReceivedInfo): string {
  const forClause = info.recipient ? `\r\n\tfor <${clean(info.recipient)}>` : '';
  return (
    `Received: from ${clean(info.heloName) || 'unknown'} ([${clean(info.clientIp)}])\r\n` +
    `\tby ${clean(info.hostname)} (Schoolmail) with ${clean(info.transmissionType) || 'ESMTP'} id ${info.queueId}${forClause};\r\n` +
    `\t${info.at.toUTCString().replace('GMT', '+0000')}\r\n`
  );
}

/**
 * The message as a tagged copy is delivered: the subject prefixed (once), and a header naming
 * the lists that tagged it. Names only, never the words that matched. Offsets in the latin1
 * string of the header section are byte offsets, so the original bytes are kept exactly.
 */
export function tagMessage(raw: Buffer, prefix: string, listNames: readonly string[]): Buffer {
  const headers = headerSection(raw);
  const filter = Buffer.from(`X-Schoolmail-Filter: tagged by word list ${listNames.map(oneLine).join(', ')}\r\n`, 'utf8');
  const subject = /^subject:[ \t]*/im.exec(headers);
  if (!subject) return Buffer.concat([filter, Buffer.from(`Subject: ${oneLine(prefix)}\r\n`, 'utf8'), raw]);
  const valueStart = subject.index + subject[0].length;
  if (headers.startsWith(prefix, valueStart)) return Buffer.concat([filter, raw]);
  return Buffer.concat([filter, raw.subarray(0, valueStart), Buffer.from(`${oneLine(prefix)} `, 'utf8'), raw.subarray(valueStart)]);
}

function oneLine(text: string) {
  return text.replace(/[\r\n]+/g, ' ');
}
