import type { CommandLine } from '../parser.js';
import type { Pop3Session, Pop3State } from '../session.js';

/** One POP3 command: its keyword, the states it is valid in, and what it does. */
export interface Pop3Command {
  keyword: string;
  states: readonly Pop3State[];
  handle(session: Pop3Session, command: CommandLine): Promise<void>;
}
