/**
 * Every refusal the pipeline gives, with its reply code and enhanced status code (RFC 3463),
 * in one place so the codes are reviewed together. Texts never echo message content (a word
 * list match stays secret: the sender learns only that content policy refused it).
 */
import type { SMTPServerError } from 'smtp-server';

export class SmtpReply extends Error implements SMTPServerError {
  constructor(
    readonly responseCode: number,
    readonly enhancedCode: string,
    readonly text: string,
  ) {
    // smtp-server sends `message` after the reply code; see enhanced-codes.ts for why the
    // enhanced code is part of it.
    super(`${enhancedCode} ${text}`);
  }

  /** "550 5.1.1": what MailEvent rows record. */
  get code(): string {
    return `${this.responseCode} ${this.enhancedCode}`;
  }
}

export const refuse = {
  tooManyConnections: () => new SmtpReply(421, '4.7.0', 'Too many connections from your address, try again later'),
  authFailed: () => new SmtpReply(535, '5.7.8', 'Authentication credentials invalid'),
  authThrottled: () => new SmtpReply(454, '4.7.0', 'Too many failed authentication attempts, try again later'),
  authUnavailable: () => new SmtpReply(454, '4.7.0', 'Temporary authentication failure, try again later'),
  senderNotOwned: () => new SmtpReply(553, '5.7.1', 'Sender address not owned by the authenticated user'),
  senderImpersonation: () => new SmtpReply(553, '5.7.1', 'Sender address of a local domain requires authentication'),
  unknownRecipient: () => new SmtpReply(550, '5.1.1', 'Recipient address rejected: no such user here'),
  recipientDisabled: () => new SmtpReply(550, '5.2.1', 'Recipient mailbox is disabled'),
  listPostingDenied: (list: string, policy: 'members' | 'owners') =>
    new SmtpReply(550, '5.7.1', `Only ${policy === 'owners' ? 'the owners' : 'members'} of ${list} may post to it`),
  relayDenied: () => new SmtpReply(554, '5.7.1', 'Relay access denied'),
  /**
   * The class of service's sending rate (sending-rate.ts), at MAIL FROM. 451, not 450: RFC 5321
   * lists 451 among MAIL's temporary failures (450 only for RCPT); 4.7.1 as Postfix's policy
   * services answer a rate limit.
   */
  sendingRateReached: (perHour: number) => new SmtpReply(451, '4.7.1', `Sending limit of ${perHour} message${perHour === 1 ? '' : 's'} per hour reached, try again later`),
  tooManyRecipients: (max: number) => new SmtpReply(452, '4.5.3', `Too many recipients (at most ${max} per message)`),
  mailboxFull: () => new SmtpReply(452, '4.2.2', 'Recipient mailbox is full'),
  messageOverQuota: () => new SmtpReply(552, '5.2.2', 'Message exceeds the recipient mailbox quota'),
  messageTooBig: (maxBytes: number) => new SmtpReply(552, '5.3.4', `Message size exceeds the limit of ${maxBytes} bytes`),
  attachmentTooBig: (maxKb: number) => new SmtpReply(552, '5.3.4', `Attachment exceeds the limit of ${maxKb} KB`),
  mailLoop: () => new SmtpReply(554, '5.4.6', 'Too many Received headers: mail loop detected'),
  contentRefused: () => new SmtpReply(550, '5.7.1', 'Message refused by content policy'),
  temporaryFailure: () => new SmtpReply(451, '4.3.0', 'Temporary local problem, please try again later'),
};

/** The 250 reply of an accepted message. */
export const accepted = (queueId: string) => `2.0.0 Ok: queued as ${queueId}`;
