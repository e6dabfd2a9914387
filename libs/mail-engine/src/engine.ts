/**
 * `startEngine`: the whole data plane in one call, as the API process (or a back-end node,
 * SCHOOLMAIL_ROLE=backend) runs it: storage, mailboxes, the outbound queue and its workers,
 * quarantine, the word-list cache, the SMTP listeners and the storage sweeper.
 */
import type { EngineConfig } from './config.js';
import type { Db } from './contracts.js';
import { PrismaQuarantine, startQuarantinePurger } from './acceptance/quarantine.js';
import { PrismaMailboxes } from './mailbox/prisma-mailboxes.js';
import { WordListCache } from './policy/cache.js';
import { QueueManager } from './queue/manager.js';
import { PrismaOutboundQueue } from './queue/spool.js';
import { SERVER_DEFAULTS } from './settings/effective-settings.js';
import { GroupCommitter } from './smtp/committer.js';
import { ConnectionLimiter, FailureLimiter } from './smtp/connection-limits.js';
import { OrphanFiles } from './smtp/orphans.js';
import type { PipelineContext } from './smtp/context.js';
import { BatchedMailEvents } from './smtp/events.js';
import { Directory } from './smtp/recipients.js';
import { startSmtpListeners } from './smtp/server.js';
import { loadTlsCredentials } from './smtp/tls.js';
import { TrustedClients } from './smtp/trust.js';
import { WordListScanner } from './smtp/word-lists.js';
import { startStorageSweeper } from './storage/blob-sweeper.js';
import { startStorageUsageFolder } from './storage/usage.js';
import { FileBlobStore } from './storage/file-blob-store.js';

export interface EngineOptions {
  prisma: Db;
  config: EngineConfig;
  log?: (line: string) => void;
  /** Failed AUTH attempts per client address in `authFailureWindowMs` before AUTH is refused (default 10 in 5 minutes). */
  authFailuresPerClient?: number;
  authFailureWindowMs?: number;
  /** How often unreferenced blobs are freed (default 60 s). */
  sweepIntervalMs?: number;
  /** How long the file of a message whose transaction failed is kept before it is deleted (default 60 s). */
  orphanGraceMs?: number;
  /** Start the outbound queue's workers (default true; tests of intake alone may turn them off). */
  queueWorkers?: boolean;
}

export interface RunningEngine {
  /** The ports actually listened on (a configured 0 picks a free one). */
  ports: { smtp: number; submission: number };
  blobs: FileBlobStore;
  queue: QueueManager;
  stop(): Promise<void>;
}

/** The SIZE to advertise: the largest message any class of service (or the server default) allows. */
async function largestMessageBytes(db: Db): Promise<number> {
  const { _max } = await db.classOfService.aggregate({ _max: { maxMessageSizeKb: true } });
  return Math.max(SERVER_DEFAULTS.maxMessageSizeKb, _max.maxMessageSizeKb ?? 0) * 1024;
}

export async function startEngine(options: EngineOptions): Promise<RunningEngine> {
  const { prisma, config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const blobs = new FileBlobStore(prisma, { dataDir: config.dataDir, log });
  const mailboxes = new PrismaMailboxes();
  const outbound = new PrismaOutboundQueue(config);
  const events = new BatchedMailEvents(prisma, log);

  // Delivery status notifications to local senders go straight into their INBOX.
  const deliverLocal = async (bytes: Buffer, _sender: string, accountId: number) => {
    const account = await prisma.account.findUnique({ where: { id: accountId }, select: { domainId: true } });
    const written = await blobs.write(bytes, account?.domainId ?? null);
    await prisma.$transaction(async (tx) => {
      const blob = await blobs.record(tx, written);
      await mailboxes.deliver(tx, { blobId: blob.blobId, size: blob.size, internalDate: new Date(), accountIds: [accountId] });
    });
  };
  const queue = new QueueManager({ db: prisma, config, blobs, deliverLocal, queue: outbound, log });

  const orphans = new OrphanFiles(prisma, blobs.units, log, options.orphanGraceMs);
  const ctx: PipelineContext = {
    db: prisma,
    config,
    log,
    blobs,
    mailboxes,
    queue: outbound,
    quarantine: new PrismaQuarantine(),
    events,
    committer: new GroupCommitter(prisma),
    orphans,
    directory: new Directory(prisma),
    wordLists: new WordListScanner(prisma, new WordListCache()),
    connections: new ConnectionLimiter(config.maxConnectionsPerClient),
    authFailures: new FailureLimiter(options.authFailuresPerClient ?? 10, options.authFailureWindowMs ?? 5 * 60_000),
    notifyQueued: () => queue.wake(),
  };
  const tls = await loadTlsCredentials(config, log);
  const listeners = await startSmtpListeners(ctx, {
    tls,
    trusted: new TrustedClients(prisma, config.trustedNetworks, log),
    maxMessageBytes: await largestMessageBytes(prisma),
  });
  const sizeRefresh = setInterval(() => {
    largestMessageBytes(prisma).then(listeners.setMaxMessageBytes, (error: unknown) => log(`smtp: ${String(error)}`));
  }, 60_000);
  sizeRefresh.unref();
  if (options.queueWorkers !== false) queue.start();
  const stopSweeper = startStorageSweeper(prisma, options.sweepIntervalMs ?? 60_000, { log });
  const stopUsageFolder = startStorageUsageFolder(prisma, 1000, log);
  // Decided quarantine entries keep their bytes until purged (who decided stays on record).
  const stopQuarantinePurger = startQuarantinePurger(prisma, { retentionMs: config.quarantineRetentionDays * 86_400_000, log });
  log(
    `SMTP: MX on ${config.listenHost}:${listeners.ports.smtp}, submission on ${config.listenHost}:${listeners.ports.submission}` +
      ` (STARTTLS: ${tls.source}${config.allowPlainAuth ? '; AUTH allowed without TLS' : ''})`,
  );

  let stopped: Promise<void> | undefined;
  return {
    ports: listeners.ports,
    blobs,
    queue,
    stop() {
      stopped ??= (async () => {
        clearInterval(sizeRefresh);
        await listeners.close();
        await queue.stop();
        await stopSweeper();
        await stopUsageFolder();
        stopQuarantinePurger();
        await events.stop();
        orphans.stop();
      })();
      return stopped;
    },
  };
}
