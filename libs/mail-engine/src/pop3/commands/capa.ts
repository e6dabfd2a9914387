/** CAPA (RFC 2449 section 5): what this server offers now; USER and SASL only where a password may be sent. */
import { textLines } from '../multiline.js';
import type { Pop3Command } from './command.js';

export const capa: Pop3Command = {
  keyword: 'CAPA',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async handle(session) {
    const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER'];
    if (session.state === 'AUTHORIZATION') {
      if (session.plainLoginAllowed) lines.push('USER', 'SASL PLAIN');
      if (!session.tlsActive) lines.push('STLS');
    }
    lines.push('IMPLEMENTATION Schoolmail');
    session.ok('capability list follows');
    await session.send(textLines(lines));
  },
};
