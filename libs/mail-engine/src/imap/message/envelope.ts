import { parseAddressList, type ImapAddress } from './address.js';
import { joined, type ImapValue } from './imap-string.js';
import type { MessagePart } from './message-part.js';

/**
 * The ENVELOPE of a message (RFC 3501 7.4.2), ready for serialize(): date, subject, from,
 * sender, reply-to, to, cc, bcc, in-reply-to, message-id. Pass the root of parseMessage()
 * or the `message` of a message/rfc822 part. Values are sent raw (encoded words included).
 */
export function envelope(message: MessagePart): ImapValue {
  const headers = message.headers;
  const text = (name: string): Buffer | null => {
    const value = headers.first(name);
    return value === undefined ? null : Buffer.from(value, 'latin1');
  };
  const addresses = (name: string): ImapValue => {
    const value = headers.first(name);
    return value === undefined ? null : addressList(parseAddressList(value));
  };
  const from = addresses('from');
  // RFC 3501: an absent or empty Sender or Reply-To is the From list.
  const sender = addresses('sender') ?? from;
  const replyTo = addresses('reply-to') ?? from;
  return [
    text('date'),
    text('subject'),
    from,
    sender,
    replyTo,
    addresses('to'),
    addresses('cc'),
    addresses('bcc'),
    text('in-reply-to'),
    text('message-id'),
  ];
}

function addressList(addresses: ImapAddress[]): ImapValue {
  if (addresses.length === 0) return null;
  // RFC 3501: env-from = "(" 1*address ")", the addresses back to back as Dovecot writes them.
  return [joined(addresses.map((address) => [bytes(address.name), bytes(address.adl), bytes(address.mailbox), bytes(address.host)]))];
}

function bytes(value: string | null): Buffer | null {
  return value === null ? null : Buffer.from(value, 'latin1');
}
