/** A mailbox name as responses carry it: modified UTF-7, as an atom when it can be one. */
import { astring } from '../message/index.js';
import { encodeMailboxName } from '../parser/mailbox-name.js';

export const wireName = (name: string): string => astring(encodeMailboxName(name)).toString('latin1');
