/** A command the grammar of RFC 3501 section 9 does not allow: answered `BAD <message>`, and the session goes on. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}
