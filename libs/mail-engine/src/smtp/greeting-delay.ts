/**
 * smtp-server holds every new connection for a fixed 100 ms before its greeting, to catch
 * clients that talk before the banner. With a client that opens one connection per message
 * (smtp-source, most MTAs relaying single messages) that wait, not the work, bounds the
 * rate: 20 connections can never deliver more than about 200 messages a second. Postfix's
 * smtpd greets at once (its pregreet test belongs to postscreen, off by default). It offers
 * no option for it, so `init` is wrapped once: a server whose options carry
 * GREETING_DELAY_MS waits that long (0: the next turn of the event loop, which still turns
 * away a client that sent its command together with the connection); every other
 * smtp-server in the process (test sinks) keeps the library's behaviour.
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

export const GREETING_DELAY_MS = Symbol.for('schoolmail.smtp.greeting-delay-ms');
const PATCHED = Symbol.for('schoolmail.smtp.greeting-delay');

interface ConnectionInternals {
  init(): void;
  name: string;
  _server: { options: Record<string | symbol, unknown>; connections: Set<unknown> };
  _setListeners(callback: () => void): void;
  connectionReady(): void;
  send(code: number, data?: string, context?: string | false): void;
  [PATCHED]?: boolean;
}

export function useGreetingDelayOption(): void {
  const prototype = SMTPConnection.prototype as unknown as ConnectionInternals;
  if (prototype[PATCHED]) return;
  const original = prototype.init;
  prototype.init = function init(this: ConnectionInternals) {
    const delay = this._server.options[GREETING_DELAY_MS];
    if (typeof delay !== 'number') return original.call(this);
    // As the library's init, with the delay from the options.
    this._setListeners(() => {
      const maxClients = this._server.options.maxClients;
      if (typeof maxClients === 'number' && maxClients && this._server.connections.size > maxClients) {
        return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      }
      setTimeout(() => this.connectionReady(), delay).unref();
    });
  };
  prototype[PATCHED] = true;
}
