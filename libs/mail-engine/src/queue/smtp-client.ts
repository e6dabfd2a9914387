/**
 * Delivers one message to one destination over SMTP (nodemailer's protocol client): EHLO
 * with our host name, STARTTLS when offered (opportunistic: certificates of MX hosts are
 * not verified, and a failed upgrade goes on in clear, as MTAs do), one transaction with
 * every recipient, and an answer per recipient.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { NextHop } from './transport.js';

export type RecipientOutcome = 'delivered' | 'temporary' | 'permanent';

export interface RecipientResult {
  recipient: string;
  outcome: RecipientOutcome;
  /** The server's reply (or what went wrong when there was none). */
  response: string;
  code: number | null;
}

export interface DeliveryReport {
  /** The host that answered (for the DSN's Remote-MTA), null when none could be reached. */
  remoteMta: string | null;
  results: RecipientResult[];
}

export interface SmtpClientOptions {
  /** EHLO name: this server's host name. */
  hostname: string;
  connectTimeoutMs: number;
  /** Longest wait for one reply (RFC 5321 4.5.3.2 asks minutes; keep it under the claim). */
  socketTimeoutMs: number;
}

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

const outcomeOf = (code: number): RecipientOutcome => (code >= 200 && code < 300 ? 'delivered' : code >= 500 && code !== 503 ? 'permanent' : 'temporary');

/** A reply for each recipient, from the replies to RCPT TO and to the end of DATA. */
function perRecipient(recipients: string[], accepted: string[], rejectedErrors: SmtpError[], final: { code: number; response: string }) {
  const refused = new Map(rejectedErrors.filter((e) => e.recipient).map((e) => [e.recipient!.toLowerCase(), e]));
  return recipients.map((recipient): RecipientResult => {
    const error = refused.get(recipient.toLowerCase());
    if (error && !accepted.some((a) => a.toLowerCase() === recipient.toLowerCase())) {
      const code = error.responseCode ?? 451;
      return { recipient, outcome: outcomeOf(code), code, response: error.response ?? error.message };
    }
    return { recipient, outcome: outcomeOf(final.code), code: final.code, response: final.response };
  });
}

type HopResult = { reached: false; error: string } | { reached: true; results: RecipientResult[] };

async function sendThroughHop(hop: NextHop, from: string, recipients: string[], message: Buffer, options: SmtpClientOptions): Promise<HopResult> {
  const connection = new SMTPConnection({
    host: hop.host,
    port: hop.port,
    name: options.hostname,
    secure: false,
    opportunisticTLS: true,
    tls: { rejectUnauthorized: false },
    connectionTimeout: options.connectTimeoutMs,
    greetingTimeout: options.connectTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
    allowInternalNetworkInterfaces: true,
    logger: false,
  });
  // The client reports a failed connection (refused, reset, timed out) as an 'error' or
  // 'end' event, not through the callbacks: whichever comes first ends the attempt.
  const broken = new Promise<never>((_, reject) => {
    connection.on('error', reject);
    connection.on('end', () => reject(Object.assign(new Error('the connection was closed'), { code: 'ECONNECTION' })));
  });
  broken.catch(() => {});
  try {
    await Promise.race([new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve()))), broken]);
  } catch (error) {
    connection.close();
    const e = error as SmtpError;
    // A greeting refusal is a reply; anything else means the host could not be reached.
    if (e.responseCode) return { reached: true, results: recipients.map((recipient) => ({ recipient, outcome: 'temporary', code: e.responseCode!, response: e.response ?? e.message })) };
    return { reached: false, error: `${hop.host}:${hop.port}: ${e.message}` };
  }
  const eightBit = message.some((byte) => byte > 127);
  try {
    const info = await Promise.race([
      new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        connection.send({ from: from === '' ? false : from, to: recipients, size: message.length, use8BitMime: eightBit }, message, (error, result) =>
          error ? reject(error) : resolve(result!),
        ),
      ),
      broken,
    ]);
    const code = Number(/^\d{3}/.exec(info.response)?.[0] ?? 250);
    return { reached: true, results: perRecipient(recipients, info.accepted, (info.rejectedErrors ?? []) as SmtpError[], { code, response: info.response }) };
  } catch (error) {
    const e = error as SmtpError;
    if (!e.responseCode) return { reached: false, error: `${hop.host}:${hop.port}: ${e.message}` };
    const final = { code: e.responseCode, response: e.response ?? e.message };
    // Refused at RCPT (every recipient) or at MAIL FROM / DATA (the same for every recipient).
    const envelope = (connection as unknown as { _envelope?: { accepted?: string[]; rejectedErrors?: SmtpError[] } })._envelope;
    return { reached: true, results: perRecipient(recipients, envelope?.accepted ?? [], e.rejectedErrors ?? envelope?.rejectedErrors ?? [], final) };
  } finally {
    connection.quit();
  }
}

/**
 * Tries the hops in order until one answers (RFC 5321 5.1: the next MX only when a host
 * cannot be reached); when none can, every recipient failed temporarily.
 */
export async function deliverMessage(hops: NextHop[], from: string, recipients: string[], message: Buffer, options: SmtpClientOptions): Promise<DeliveryReport> {
  const errors: string[] = [];
  for (const hop of hops) {
    const result = await sendThroughHop(hop, from, recipients, message, options);
    if (result.reached) return { remoteMta: hop.host, results: result.results };
    errors.push(result.error);
  }
  const response = errors.length ? `could not connect: ${errors.join('; ')}` : 'no host to deliver to';
  return { remoteMta: null, results: recipients.map((recipient) => ({ recipient, outcome: 'temporary', code: null, response })) };
}
