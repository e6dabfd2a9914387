/**
 * A remote mail server for tests: a real SMTP server on 127.0.0.1 (random port) that
 * accepts, tempfails (451) or rejects (550) every recipient, as told, switchable while it
 * runs, and records every transaction it saw.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export type SinkMode = 'accept' | 'tempfail' | 'reject';

export interface SinkTransaction {
  from: string;
  to: string[];
  data: Buffer;
  at: Date;
}

export interface SmtpSink {
  port: number;
  nextHop: string;
  mode: SinkMode;
  /** Messages received in full (answered 250 after DATA). */
  received: SinkTransaction[];
  /** Every MAIL FROM seen, whatever became of it (counts attempts, probes included). */
  attempts: Array<{ from: string; at: Date }>;
  setMode(mode: SinkMode): void;
  /** Waits until `predicate` holds, polling, or fails after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(mode: SinkMode = 'accept'): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    nextHop: '',
    mode,
    received: [],
    attempts: [],
    setMode(next) {
      sink.mode = next;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > end) throw new Error('timed out waiting for the SMTP sink');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    name: 'sink.test',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onMailFrom(address, _session, callback) {
      sink.attempts.push({ from: address.address, at: new Date() });
      callback();
    },
    onRcptTo(_address, _session: SMTPServerSession, callback) {
      if (sink.mode === 'tempfail') return callback(Object.assign(new Error('4.3.2 Try again later'), { responseCode: 451 }));
      if (sink.mode === 'reject') return callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        sink.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          at: new Date(),
        });
        callback(null, 'Ok: queued');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as { port: number }).port;
  sink.nextHop = `127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
