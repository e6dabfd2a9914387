/**
 * A lenient RFC 5322 address-list reader producing IMAP address structures (RFC 3501
 * 7.4.2): (name adl mailbox host), with group start (NIL NIL "group" NIL) and end
 * (NIL NIL NIL NIL) markers. Works on binary strings so 8-bit and encoded words stay raw.
 */

export interface ImapAddress {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** Dovecot fills the parts an address lacks with these, so a client never mistakes it for a group marker. */
const MISSING_MAILBOX = 'MISSING_MAILBOX';
const MISSING_DOMAIN = 'MISSING_DOMAIN';

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'comment'; text: string }
  | { kind: 'special'; text: string };

const SPECIALS = '<>:;,@';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const char = text[position]!;
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      position++;
    } else if (char === '(') {
      let depth = 0;
      let comment = '';
      while (position < text.length) {
        const inner = text[position++]!;
        if (inner === '\\' && position < text.length) {
          comment += text[position++];
        } else if (inner === '(') {
          if (depth++ > 0) comment += inner;
        } else if (inner === ')') {
          if (--depth === 0) break;
          comment += inner;
        } else {
          comment += inner;
        }
      }
      tokens.push({ kind: 'comment', text: comment.trim() });
    } else if (char === '"') {
      position++;
      let quoted = '';
      while (position < text.length && text[position] !== '"') {
        if (text[position] === '\\' && position + 1 < text.length) position++;
        quoted += text[position++];
      }
      position++;
      tokens.push({ kind: 'word', text: quoted, quoted: true });
    } else if (SPECIALS.includes(char)) {
      tokens.push({ kind: 'special', text: char });
      position++;
    } else {
      const begin = position;
      if (char === '[') {
        const close = text.indexOf(']', position);
        position = close < 0 ? text.length : close + 1;
      } else {
        while (position < text.length && !' \t\r\n("'.includes(text[position]!) && !SPECIALS.includes(text[position]!)) position++;
      }
      tokens.push({ kind: 'word', text: text.slice(begin, position), quoted: false });
    }
  }
  return tokens;
}

/** Every address and group marker in a header value, in order. */
export function parseAddressList(value: string): ImapAddress[] {
  const tokens = tokenize(value);
  const result: ImapAddress[] = [];
  let inGroup = false;
  let pending: Token[] = [];
  let angle: Token[] | null = null;

  const finishMailbox = () => {
    const address = angle ? angleAddress(pending, angle) : bareAddress(pending);
    if (address) result.push(address);
    pending = [];
    angle = null;
  };

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'special' && token.text === '<' && angle === null) {
      angle = [];
      while (++index < tokens.length && !(tokens[index]!.kind === 'special' && tokens[index]!.text === '>')) {
        angle.push(tokens[index]!);
      }
    } else if (token.kind === 'special' && token.text === ',') {
      finishMailbox();
    } else if (token.kind === 'special' && token.text === ':' && !inGroup && angle === null && !pending.some(isAt)) {
      inGroup = true;
      result.push({ name: null, adl: null, mailbox: phrase(pending) ?? '', host: null });
      pending = [];
    } else if (token.kind === 'special' && token.text === ';' && inGroup) {
      finishMailbox();
      inGroup = false;
      result.push({ name: null, adl: null, mailbox: null, host: null });
    } else if (token.kind !== 'special' || token.text === '@') {
      pending.push(token);
    }
  }
  finishMailbox();
  if (inGroup) result.push({ name: null, adl: null, mailbox: null, host: null });
  return result;
}

function isAt(token: Token): boolean {
  return token.kind === 'special' && token.text === '@';
}

function phrase(tokens: Token[]): string | null {
  const words = tokens.filter((token) => token.kind === 'word').map((token) => token.text);
  return words.length > 0 ? words.join(' ') : null;
}

function lastComment(tokens: Token[]): string | null {
  const comments = tokens.filter((token) => token.kind === 'comment' && token.text.length > 0);
  return comments.length > 0 ? comments[comments.length - 1]!.text : null;
}

function angleAddress(outside: Token[], inside: Token[]): ImapAddress {
  let route: string | null = null;
  let spec = inside;
  const routeEnd = inside.findIndex((token) => token.kind === 'special' && token.text === ':');
  if (routeEnd >= 0 && inside[0] && isAt(inside[0])) {
    route = inside.slice(0, routeEnd).map((token) => token.text).join('');
    spec = inside.slice(routeEnd + 1);
  }
  const { mailbox, host } = splitAddrSpec(spec);
  return { name: phrase(outside), adl: route, mailbox, host };
}

/** Only a bare addr-spec takes its name from a comment ("joe@example.org (Joe)"), as in Dovecot. */
function bareAddress(tokens: Token[]): ImapAddress | null {
  if (!tokens.some((token) => token.kind === 'word' || isAt(token))) return null;
  const { mailbox, host } = splitAddrSpec(tokens);
  return { name: lastComment(tokens), adl: null, mailbox, host };
}

/** A quoted local part comes out unquoted, as from Dovecot's address parser. */
function splitAddrSpec(tokens: Token[]): { mailbox: string; host: string } {
  const parts = tokens.filter((token) => token.kind !== 'comment');
  const at = parts.map(isAt).lastIndexOf(true);
  const local = (at < 0 ? parts : parts.slice(0, at)).map((token) => token.text).join('');
  const domain = at < 0 ? '' : parts.slice(at + 1).map((token) => token.text).join('');
  return { mailbox: local || MISSING_MAILBOX, host: domain || MISSING_DOMAIN };
}
