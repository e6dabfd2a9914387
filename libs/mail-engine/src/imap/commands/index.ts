/** Every command this server knows, by name as the command reader spells it ("UID FETCH"). */
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { check } from './check.js';
import { close } from './close.js';
import type { ImapCommand } from './command.js';
import { copy, uidCopy } from './copy.js';
import { create } from './create.js';
import { deleteMailbox } from './delete.js';
import { enable } from './enable.js';
import { expunge, uidExpunge } from './expunge.js';
import { fetch, uidFetch } from './fetch.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { lsub } from './lsub.js';
import { move, uidMove } from './move.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { rename } from './rename.js';
import { search, uidSearch } from './search.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store, uidStore } from './store.js';
import { subscribe } from './subscribe.js';
import { unselect } from './unselect.js';
import { unsubscribe } from './unsubscribe.js';

// Each command's argument type is its own; the session only passes a command its own parse result.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const all: Array<ImapCommand<any>> = [
  capability, noop, logout, id,
  starttls, login, authenticate,
  enable, namespace, list, lsub, subscribe, unsubscribe, create, deleteMailbox, rename, status, select, examine, append, idle,
  check, close, unselect, expunge, uidExpunge, copy, uidCopy, move, uidMove, fetch, uidFetch, store, uidStore, search, uidSearch,
];

export const COMMANDS: ReadonlyMap<string, ImapCommand> = new Map(all.map((c) => [c.name, c]));
