/** The NO replies for a mail store's expected refusals (RFC 5530 response codes). */
import { MailStoreError } from '../../mailstore/types.js';
import { no, type Completion } from './command.js';

const CODES = { nonexistent: 'NONEXISTENT', exists: 'ALREADYEXISTS', overquota: 'OVERQUOTA', forbidden: 'CANNOT', invalid: 'CANNOT' } as const;

/** The completion for a MailStoreError; `target` names the destination of APPEND/COPY/MOVE, which a client may create (TRYCREATE). */
export function storeRefusal(error: unknown, options: { target?: boolean } = {}): Completion | null {
  if (!(error instanceof MailStoreError)) return null;
  if (error.code === 'nonexistent' && options.target) return no(error.message, 'TRYCREATE');
  return no(error.message, CODES[error.code]);
}
