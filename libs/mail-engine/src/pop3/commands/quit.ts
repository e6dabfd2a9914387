/**
 * QUIT (RFC 1939 sections 5 and 6): after login it enters UPDATE, where the messages marked
 * by DELE are removed from the INBOX, then the connection closes. If the removal fails the
 * client hears -ERR (and may try again in a new session: nothing was removed).
 */
import { responseCodes } from '../responses.js';
import type { Pop3Command } from './command.js';

export const quit: Pop3Command = {
  keyword: 'QUIT',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async handle(session) {
    const uids = session.maildrop.deletedUids();
    const folderId = session.maildrop.folderId;
    if (session.state === 'TRANSACTION' && folderId !== null && uids.length > 0) {
      try {
        const removed = await session.ctx.store.remove(folderId, uids);
        return session.end(`+OK signing off (${removed.length} message${removed.length === 1 ? '' : 's'} deleted)\r\n`);
      } catch (error) {
        session.ctx.log(`pop3: UPDATE failed for ${session.user?.address}: ${error instanceof Error ? error.message : String(error)}`);
        return session.end(`-ERR ${responseCodes.sysTemp} some deleted messages not removed\r\n`);
      }
    }
    session.end('+OK signing off\r\n');
  },
};
