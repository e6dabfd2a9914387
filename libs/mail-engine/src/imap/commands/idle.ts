/** IDLE (RFC 2177): changes to the selected mailbox are pushed as they happen until the client sends DONE. */
import { AUTHENTICATED, bad, command, ok } from './command.js';

export const idle = command({
  name: 'IDLE',
  states: AUTHENTICATED,
  parse: (args) => args.end(),
  async run(session) {
    await session.continuation('idling');
    const line = await session.idle();
    if (line === null) return bad('IDLE ended without DONE');
    return line.trim().toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('Expected DONE');
  },
});
