/**
 * smtp-server picks the enhanced status code of a reply from its reply code alone (550 is
 * always 5.1.1, 553 always 5.1.3), but one reply code covers several causes here (550 5.1.1
 * unknown user, 550 5.2.1 disabled mailbox, 550 5.7.1 content refused). It offers no hook for
 * that, so its connection's `send` is wrapped once: a reply text that starts with its own
 * enhanced code ("5.7.1 ...", as SmtpReply writes it) is sent as is; every other reply keeps
 * the library's code. Harmless for any other smtp-server in the process (test sinks).
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const OWN_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
const PATCHED = Symbol.for('schoolmail.smtp.enhanced-codes');

type Send = (code: number, data?: string | string[], context?: string | false) => void;

export function useOwnEnhancedCodes(): void {
  const prototype = SMTPConnection.prototype as unknown as { send: Send; [PATCHED]?: boolean };
  if (prototype[PATCHED]) return;
  const original = prototype.send;
  prototype.send = function send(this: unknown, code, data, context) {
    const own = typeof data === 'string' && OWN_CODE.test(data);
    return original.call(this, code, data, own ? false : context);
  };
  prototype[PATCHED] = true;
}
