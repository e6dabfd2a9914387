/** The command table: every POP3 command this server knows, by keyword. */
import { auth } from './auth.js';
import { capa } from './capa.js';
import type { Pop3Command } from './command.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

const commands = new Map<string, Pop3Command>(
  [auth, capa, dele, list, noop, pass, quit, retr, rset, stat, stls, top, uidl, user].map((command) => [command.keyword, command]),
);

export const commandFor = (keyword: string): Pop3Command | undefined => commands.get(keyword);
