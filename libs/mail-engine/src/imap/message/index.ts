/**
 * The IMAP message model: pure functions over a message's raw bytes for FETCH (ENVELOPE,
 * BODYSTRUCTURE, BODY[section]) and SEARCH, plus the serializer for everything IMAP sends.
 * No database, no sockets.
 */
export { atom, asLiteral, joined, quoted, literal, imapString, nstring, astring, serialize } from './imap-string.js';
export type { ImapAtom, ImapLiteral, ImapJoined, ImapValue } from './imap-string.js';
export { HeaderBlock, isMultipart, bodySize } from './message-part.js';
export type { MessagePart, HeaderField, ContentType, ContentDisposition, MimeParam } from './message-part.js';
export { parseMessage } from './parse-message.js';
export { envelope } from './envelope.js';
export { bodyStructure } from './body-structure.js';
export { section } from './section.js';
export { needsContent, matches } from './search/matches.js';
export type { SearchableMessage, SearchContext, ContentNeed } from './search/matches.js';
