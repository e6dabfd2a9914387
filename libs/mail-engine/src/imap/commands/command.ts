/**
 * What every command module exports: its name, the session states it is valid in (RFC 3501
 * section 6: any, not authenticated, authenticated, selected), the parser of its arguments
 * and its handler, which writes untagged responses and answers the tagged completion.
 */
import type { Arguments } from '../parser/arguments.js';
import type { Session } from '../session/session.js';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected';

export const ANY: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];
export const NOT_AUTHENTICATED: readonly SessionState[] = ['not-authenticated'];

export interface Completion {
  status: 'OK' | 'NO' | 'BAD';
  /** A response code without its brackets: "TRYCREATE", "APPENDUID 38505 3955". */
  code?: string;
  text: string;
  /** Runs after the completion is written (STARTTLS's handshake, LOGOUT's close). */
  after?: () => Promise<void>;
}

export const ok = (text: string, code?: string): Completion => ({ status: 'OK', text, code });
export const no = (text: string, code?: string): Completion => ({ status: 'NO', text, code });
export const bad = (text: string, code?: string): Completion => ({ status: 'BAD', text, code });

export interface ImapCommand<A = unknown> {
  /** "FETCH", or "UID FETCH" for the UID form. */
  name: string;
  states: readonly SessionState[];
  /**
   * False for FETCH, STORE and SEARCH by sequence number: no EXPUNGE may be sent while they
   * run or when they complete (RFC 3501 7.4.1), since the client's numbers must stay valid.
   */
  mayExpunge?: boolean;
  parse(args: Arguments): A;
  run(session: Session, args: A): Promise<Completion>;
}

export function command<A>(definition: ImapCommand<A>): ImapCommand<A> {
  return definition;
}
