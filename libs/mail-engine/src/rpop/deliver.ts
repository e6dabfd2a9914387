/**
 * Delivery of one collected message into the account's INBOX, by the same parts SMTP local
 * delivery uses (smtp/accept.ts, smtp/data.ts): the mailbox's effective settings from the
 * Directory (quota, size limit, word lists), the inbound word-list scan through the
 * WordListScanner, tagging by `tagMessage`, quarantine, the durable blob write, and ONE
 * transaction (through the GroupCommitter) holding the blob row, the mailbox delivery or
 * quarantine entry, the MailEvent, and whatever the caller adds (the remembered UIDL), so a
 * message is never delivered without being remembered, nor remembered without being
 * delivered.
 *
 * Those SMTP steps take an smtp-server session; RPOP has none, so this file composes the
 * same functions for a single local recipient rather than faking a session.
 */
import type { Tx } from '../contracts.js';
import { extractScannableText } from '../mime/extract.js';
import { appliesTo, strictestAction, type WordListScanResult } from '../policy/types.js';
import { newQueueId } from '../queue/spool.js';
import type { PipelineContext } from '../smtp/context.js';
import { headerSection, rawSubject, receivedHeader, tagMessage } from '../smtp/headers.js';

export type CollectedOutcome = 'delivered' | 'tagged' | 'quarantined' | 'rejected';

/** The message cannot be taken now (mailbox full, account gone): leave it on the server and try again later. */
export class DeliveryDeferred extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryDeferred';
  }
}

export type DeliveryContext = Pick<PipelineContext, 'config' | 'blobs' | 'mailboxes' | 'quarantine' | 'committer' | 'directory' | 'wordLists' | 'orphans'>;

export interface CollectedMessage {
  accountId: number;
  raw: Buffer;
  /** The remote server, named in the Received header. */
  remoteHost: string;
  /** Written in the delivery's transaction (the UIDL that must not be collected again). */
  remember: (tx: Tx) => Promise<void>;
}

/** The envelope sender the remote server recorded (Return-Path), for the quarantine entry; '' when none. */
const returnPath = (raw: Buffer) => /^return-path:[ \t]*<?([^<>\s]*)>?/im.exec(headerSection(raw))?.[1] ?? '';

async function scanInbound(ctx: DeliveryContext, listIds: number[], raw: Buffer): Promise<WordListScanResult | null> {
  const compiled = await ctx.wordLists.compiled(listIds);
  return compiled ? compiled.scan(await extractScannableText(raw), 'inbound') : null;
}

export async function deliverCollected(ctx: DeliveryContext, message: CollectedMessage): Promise<CollectedOutcome> {
  const mailbox = await ctx.directory.mailbox(message.accountId);
  if (!mailbox) throw new DeliveryDeferred('the account no longer exists');
  if (mailbox.status === 'suspended') throw new DeliveryDeferred('the account is suspended');
  const queueId = newQueueId();
  const now = new Date();
  const received = Buffer.from(
    receivedHeader({ heloName: message.remoteHost, clientIp: message.remoteHost, hostname: ctx.config.hostname, transmissionType: 'POP3', queueId, recipient: mailbox.address, at: now }),
    'utf8',
  );
  const size = received.length + message.raw.length;
  // Too big for the class of service: as SMTP would refuse it, it is not taken (and not fetched again).
  if (size > mailbox.maxMessageBytes) {
    await ctx.committer.commit(message.remember, [{ kind: 'refused', queueId, recipient: mailbox.address, domainPath: mailbox.domainPath, detail: 'rpop: message too big' }]);
    return 'rejected';
  }
  if (mailbox.usedBytes + size > mailbox.quotaBytes) throw new DeliveryDeferred('the mailbox is full');

  const listIds = mailbox.wordLists.filter((list) => appliesTo(list, 'inbound')).map((list) => list.id);
  const scan = listIds.length ? await scanInbound(ctx, listIds, message.raw) : null;
  const action = scan?.verdict.action ? strictestAction([scan.verdict.action]) : null;
  if (action === 'reject') {
    await ctx.committer.commit(message.remember, [{ kind: 'refused', queueId, recipient: mailbox.address, domainPath: mailbox.domainPath, detail: 'rpop: refused by a word list' }]);
    return 'rejected';
  }
  const bytes = action === 'tag' ? Buffer.concat([received, tagMessage(message.raw, ctx.config.tagSubjectPrefix, scan!.verdict.lists.map((list) => list.name))]) : Buffer.concat([received, message.raw]);
  const written = await ctx.blobs.write(bytes, mailbox.domainId, { unique: true });
  const outcome: CollectedOutcome = action === 'quarantine' ? 'quarantined' : action === 'tag' ? 'tagged' : 'delivered';
  const event = { kind: action === 'quarantine' ? 'quarantined' : 'accepted', queueId, recipient: mailbox.address, domainPath: mailbox.domainPath, detail: 'rpop' };
  try {
    await ctx.committer.commit(async (tx) => {
      const blob = await ctx.blobs.record(tx, written);
      if (action === 'quarantine') {
        const matches = scan!.matches.map(({ listId, listName, entry, where, matched }) => ({ listId, listName, entry, where, matched }));
        await ctx.quarantine.add(tx, { blobId: blob.blobId, sender: returnPath(message.raw), recipient: mailbox.address, accountId: mailbox.accountId, domainPath: mailbox.domainPath, direction: 'inbound', subject: rawSubject(message.raw), matches });
      } else {
        await ctx.mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: now, accountIds: [mailbox.accountId] });
      }
      await message.remember(tx);
    }, [event]);
  } catch (error) {
    ctx.orphans?.forget([written]);
    throw error;
  }
  if (outcome !== 'quarantined') await ctx.directory.addUsage(mailbox.accountId, bytes.length);
  return outcome;
}
