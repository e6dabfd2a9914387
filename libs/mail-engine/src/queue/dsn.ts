/**
 * Non-delivery reports (RFC 3464): a `multipart/report; report-type=delivery-status` with
 * a part people can read, the machine-readable `message/delivery-status`, and the headers
 * of the returned message (`text/rfc822-headers`). Sent from MAILER-DAEMON with the null
 * envelope sender, so it can never cause another report.
 */
import { randomBytes } from 'node:crypto';

export type FailureKind = 'rejected' | 'expired' | 'administrator' | 'routing';

export interface FailedRecipient {
  recipient: string;
  kind: FailureKind;
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string;
  /** What the remote server said (its reply line), or our own explanation. */
  diagnostic: string;
  /** True when `diagnostic` is a reply of the remote SMTP server. */
  fromRemoteServer: boolean;
  remoteMta: string | null;
  lastAttemptAt: Date | null;
}

export interface DsnInput {
  hostname: string;
  queueId: string;
  /** Who gets the report: the original envelope sender. */
  to: string;
  arrivalDate: Date;
  recipients: FailedRecipient[];
  /** The returned message (its headers are attached); null when it could not be read. */
  original: Buffer | null;
  now?: Date;
}

/** The enhanced status code of an SMTP reply, or the generic one of its class. */
export function statusOfReply(code: number | null, response: string) {
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response.trim())?.[1];
  if (enhanced) return enhanced;
  if (code !== null && code >= 500) return '5.0.0';
  return '4.0.0';
}

const MAX_HEADER_BYTES = 64 * 1024;

/** The header block of a message (up to the first empty line), CRLF line ends. */
export function headersOf(message: Buffer) {
  let end = message.indexOf('\r\n\r\n');
  let separator = 4;
  const lf = message.indexOf('\n\n');
  if (lf !== -1 && (end === -1 || lf < end)) {
    end = lf;
    separator = 2;
  }
  const block = end === -1 ? message : message.subarray(0, end + separator / 2);
  return block.subarray(0, MAX_HEADER_BYTES).toString('utf8').replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n');
}

function headerValue(headers: string, name: string) {
  const match = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r\\n[ \\t].*)*)`, 'im').exec(headers);
  return match ? match[1]!.replace(/\r\n[ \t]+/g, ' ').trim() : null;
}

/** RFC 5322 date-time in UTC. */
export function rfc5322Date(date: Date) {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

/** A text part: 7bit when ASCII, base64 otherwise (a report must reach any server). */
function textPart(contentType: string, text: string) {
  const body = text.replace(/\r?\n/g, '\r\n');
  if (isAscii(body)) return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}`;
  const encoded = Buffer.from(body, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return `Content-Type: ${contentType}\r\nContent-Transfer-Encoding: base64\r\n\r\n${encoded}\r\n`;
}

function explain(failure: FailedRecipient) {
  switch (failure.kind) {
    case 'rejected':
      return failure.fromRemoteServer && failure.remoteMta
        ? `The mail server for this address (${failure.remoteMta}) refused the message. It said:\n    ${failure.diagnostic}`
        : `The message could not be delivered: ${failure.diagnostic}`;
    case 'routing':
      return `The destination could not be found: ${failure.diagnostic}`;
    case 'expired':
      return `The message could not be delivered in time: we kept trying, but the receiving server could not be reached or kept refusing it temporarily. The last problem was:\n    ${failure.diagnostic}`;
    case 'administrator':
      return `An administrator of this mail system returned the message before it could be delivered.${failure.diagnostic ? ` Last problem:\n    ${failure.diagnostic}` : ''}`;
  }
}

function humanReadable(input: DsnInput, subject: string | null) {
  const lines = [
    `This is the mail system at ${input.hostname}.`,
    '',
    `Your message${subject ? ` "${subject}"` : ''} could not be delivered to ${input.recipients.length === 1 ? 'this recipient' : `these ${input.recipients.length} recipients`}. This is a permanent error: the message will not be sent again.`,
    '',
  ];
  for (const failure of input.recipients) {
    lines.push(`<${failure.recipient}>:`, `    ${explain(failure)}`, '');
  }
  lines.push('The headers of your message are attached below.', '');
  return lines.join('\n');
}

function deliveryStatus(input: DsnInput) {
  const fields = [`Reporting-MTA: dns; ${input.hostname}`, `X-Schoolmail-Queue-ID: ${input.queueId}`, `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`, ''];
  for (const failure of input.recipients) {
    fields.push(`Final-Recipient: rfc822; ${failure.recipient}`, 'Action: failed', `Status: ${failure.status}`);
    if (failure.remoteMta) fields.push(`Remote-MTA: dns; ${failure.remoteMta}`);
    const diagnostic = failure.diagnostic.replace(/[\r\n]+/g, ' ');
    if (diagnostic) fields.push(`Diagnostic-Code: ${failure.fromRemoteServer ? 'smtp' : 'X-Schoolmail'}; ${diagnostic}`);
    if (failure.lastAttemptAt) fields.push(`Last-Attempt-Date: ${rfc5322Date(failure.lastAttemptAt)}`);
    fields.push('');
  }
  return fields.join('\r\n');
}

/** The complete report message, ready to store and send with envelope sender `<>`. */
export function buildDsn(input: DsnInput): Buffer {
  const now = input.now ?? new Date();
  const boundary = `=_report_${randomBytes(12).toString('hex')}`;
  const originalHeaders = input.original ? headersOf(input.original) : null;
  const subject = originalHeaders ? headerValue(originalHeaders, 'Subject') : null;
  const originalId = originalHeaders ? headerValue(originalHeaders, 'Message-ID') : null;
  const header = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.to}>`,
    `Subject: Undelivered Mail Returned to Sender${subject && isAscii(subject) ? `: ${subject.slice(0, 200)}` : ''}`,
    `Date: ${rfc5322Date(now)}`,
    `Message-ID: <${now.getTime().toString(36)}.${randomBytes(6).toString('hex')}@${input.hostname}>`,
    ...(originalId ? [`In-Reply-To: ${originalId}`, `References: ${originalId}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    '',
  ].join('\r\n');
  const parts = [
    textPart('text/plain; charset=utf-8', humanReadable(input, subject)),
    `Content-Type: message/delivery-status\r\n\r\n${deliveryStatus(input)}`,
    ...(originalHeaders ? [`Content-Type: text/rfc822-headers\r\n\r\n${originalHeaders}`] : []),
  ];
  const body = parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('') + `--${boundary}--\r\n`;
  return Buffer.from(header + body, 'utf8');
}
