/**
 * Durable intake of the outbound queue: the message row and one entry per remote
 * recipient, written in the caller's transaction so they commit with the blob and the
 * acceptance (the client hears 250 only after that commit).
 */
import { randomFillSync } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { EngineConfig } from '../config.js';
import type { OutboundQueue, OutboundRequest, Tx } from '../contracts.js';

// Random bytes for queue ids, drawn a few kilobytes at a time: one draw per message showed as
// 15 µs of the event loop's time at a thousand messages a second.
const entropy = Buffer.alloc(4096);
let entropyUsed = entropy.length;

/** A queue id as the client is told it ("queued as ..."): time-ordered, 20 hex digits. */
export function newQueueId(now = Date.now()) {
  if (entropyUsed + 4 > entropy.length) {
    randomFillSync(entropy);
    entropyUsed = 0;
  }
  const random = entropy.toString('hex', entropyUsed, (entropyUsed += 4));
  return now.toString(16).toUpperCase().padStart(12, '0') + random.toUpperCase();
}

/** The lower-case ASCII (IDNA) domain of an address, as the virtual queues are keyed. */
export function remoteDomainOf(address: string) {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  return domainToASCII(domain) || domain;
}

export class PrismaOutboundQueue implements OutboundQueue {
  constructor(private readonly config: Pick<EngineConfig, 'queue'>) {}

  async enqueue(tx: Tx, request: OutboundRequest): Promise<void> {
    const recipients = [...new Set(request.recipients)];
    if (recipients.length === 0) return;
    await tx.outboundMessage.create({
      data: {
        id: request.id,
        blobId: request.blobId,
        sender: request.sender,
        size: request.size,
        clientIp: request.clientIp,
        authUser: request.authUser,
        senderDomainPath: request.senderDomainPath,
        isBounce: request.isBounce ?? false,
      },
    });
    const domains = [...new Set(recipients.map(remoteDomainOf))];
    // A held destination keeps new mail waiting too, until it is released.
    const held = new Set(
      (await tx.remoteDomain.findMany({ where: { domain: { in: domains }, state: 'held' }, select: { domain: true } })).map((d) => d.domain),
    );
    const expiresAt = new Date(Date.now() + this.config.queue.maxAgeSeconds * 1000);
    await tx.queueEntry.createMany({
      data: recipients.map((recipient) => {
        const remoteDomain = remoteDomainOf(recipient);
        return {
          messageId: request.id,
          recipient,
          remoteDomain,
          sender: request.sender,
          size: request.size,
          state: held.has(remoteDomain) ? ('held' as const) : ('queued' as const),
          expiresAt,
          senderDomainPath: request.senderDomainPath,
          localDomainPath: request.localDomainPaths?.get(recipient) ?? null,
        };
      }),
    });
  }
}
