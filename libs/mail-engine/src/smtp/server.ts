/**
 * The two listeners (smtp-server does the protocol; the pipeline steps decide):
 * - MX (SMTP_PORT): mail for local domains from anyone, no AUTH;
 * - submission (SUBMISSION_PORT): AUTH PLAIN/LOGIN required (after STARTTLS unless
 *   allowPlainAuth), relays anywhere.
 * Both offer STARTTLS and advertise SIZE, PIPELINING, 8BITMIME and ENHANCEDSTATUSCODES.
 * Every refusal is recorded as a MailEvent (batched) with its reply code.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { acceptMessage } from './accept.js';
import { authenticate } from './auth.js';
import type { ClusterPeers } from './cluster-peers.js';
import { stateOf, type Listener, type PipelineContext } from './context.js';
import { checkContent, planDelivery, readBounded } from './data.js';
import { useOwnEnhancedCodes } from './enhanced-codes.js';
import { GREETING_DELAY_MS, useGreetingDelayOption } from './greeting-delay.js';
import { checkMailFrom } from './mail-from.js';
import { checkRcptTo } from './rcpt-to.js';
import { refuse, SmtpReply } from './replies.js';
import type { TlsCredentials } from './tls.js';
import type { TrustedClients } from './trust.js';

export interface SmtpListenerOptions {
  tls: TlsCredentials;
  trusted: TrustedClients;
  /** nginx front-ends and other back-ends: XCLIENT and relayed mail (cluster-peers.ts). */
  clusterPeers: ClusterPeers;
  /** The SIZE advertised: the largest message any class of service allows. */
  maxMessageBytes: number;
}

export interface SmtpListeners {
  ports: { smtp: number; submission: number };
  /** Changes the advertised SIZE (classes of service changed). */
  setMaxMessageBytes(bytes: number): void;
  close(): Promise<void>;
}

function createServer(ctx: PipelineContext, listener: Listener, options: SmtpListenerOptions): SMTPServer {
  const { log, events } = ctx;
  const asReply = (error: unknown): SmtpReply => {
    if (error instanceof SmtpReply) return error;
    log(`smtp ${listener}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return refuse.temporaryFailure();
  };
  const refused = (session: SMTPServerSession, error: unknown, recipient?: string): SmtpReply => {
    const reply = asReply(error);
    const transaction = stateOf(session).transaction;
    events.record({ kind: 'refused', sender: transaction.sender || undefined, recipient, detail: reply.code });
    return reply;
  };

  const serverOptions: SMTPServerOptions & { [GREETING_DELAY_MS]: number } = {
    [GREETING_DELAY_MS]: ctx.config.greetingDelayMs ?? 0,
    name: ctx.config.hostname,
    banner: 'Schoolmail',
    key: options.tls.key,
    cert: options.tls.cert,
    size: options.maxMessageBytes,
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    useXClient: options.clusterPeers.enabled,
    // On shutdown a transfer under way gets a few seconds to finish (then 421).
    closeTimeout: 3_000,
    ...(listener === 'mx' ? { disabledCommands: ['AUTH'], authOptional: true } : { authOptional: false, allowInsecureAuth: ctx.config.allowPlainAuth }),

    onConnect(session, callback) {
      const state = stateOf(session, listener);
      // A front-end carries many clients' connections: nginx limits those itself.
      if (options.clusterPeers.includes(state.peerIp)) return callback();
      try {
        ctx.connections.acquire(state.clientIp);
        state.counted = true;
        callback();
      } catch (error) {
        callback(asReply(error));
      }
    },

    onClose(session) {
      const state = stateOf(session, listener);
      if (state.counted) {
        state.counted = false;
        ctx.connections.release(state.clientIp);
      }
    },

    onAuth(auth, session, callback) {
      const decided =
        auth.method === 'XCLIENT'
          ? options.clusterPeers.authenticateForwarded(ctx, session, auth.username)
          : authenticate(ctx, stateOf(session, listener).clientIp, auth.username, auth.password);
      decided.then(
        (user) => callback(null, { user }),
        (error: unknown) => callback(asReply(error)),
      );
    },

    onMailFrom(address, session, callback) {
      const declared = address.args && typeof address.args.SIZE === 'string' ? Number(address.args.SIZE) : 0;
      try {
        options.clusterPeers.adoptClient(session);
      } catch (error) {
        return callback(refused(session, error));
      }
      checkMailFrom(ctx, options.trusted, session, address.address, declared).then(
        () => callback(),
        (error: unknown) => callback(refused(session, error)),
      );
    },

    onRcptTo(address, session, callback) {
      checkRcptTo(ctx, session, address.address).then(
        () => callback(),
        (error: unknown) => callback(refused(session, error, address.address)),
      );
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      const recipients = () => [...stateOf(session).transaction.recipients.keys()].join(',');
      receive(ctx, options, server, stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(refused(session, error, recipients())),
      );
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', (error) => log(`smtp ${listener}: ${error.message}`));
  return server;
}

async function receive(ctx: PipelineContext, options: SmtpListenerOptions, server: SMTPServer, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
  let plan;
  try {
    plan = await planDelivery(ctx, session, server.options.size ?? options.maxMessageBytes);
  } catch (error) {
    await readBounded(stream, 0);
    throw error;
  }
  const { raw } = await readBounded(stream, plan.maxBytes);
  if (!raw) throw refuse.messageTooBig(plan.maxBytes);
  const decision = await checkContent(ctx, options.trusted, session, plan, raw);
  return acceptMessage(ctx, session, plan, decision, raw);
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}

function close(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startSmtpListeners(ctx: PipelineContext, options: SmtpListenerOptions): Promise<SmtpListeners> {
  useOwnEnhancedCodes();
  useGreetingDelayOption();
  const mx = createServer(ctx, 'mx', options);
  const submission = createServer(ctx, 'submission', options);
  const host = ctx.config.listenHost;
  const smtp = await listen(mx, ctx.config.smtpPort, host);
  let submissionPort: number;
  try {
    submissionPort = await listen(submission, ctx.config.submissionPort, host);
  } catch (error) {
    await close(mx);
    throw error;
  }
  return {
    ports: { smtp, submission: submissionPort },
    setMaxMessageBytes(bytes) {
      mx.options.size = bytes;
      submission.options.size = bytes;
    },
    async close() {
      await Promise.all([close(mx), close(submission)]);
    },
  };
}
