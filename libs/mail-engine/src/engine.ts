/**
 * `startEngine`: the whole data plane in one call, as the API process (or a back-end node,
 * SCHOOLMAIL_ROLE=backend) runs it: storage, mailboxes, the outbound queue and its workers,
 * quarantine, the word-list cache, the SMTP listeners and the storage sweeper.
 */
import pg from 'pg';
import { PrismaMailAccess } from './access/prisma-mail-access.js';
import type { MailAccess } from './access/types.js';
import { connectionLimitOf, loginLimitsOf, type EngineConfig } from './config.js';
import type { Db } from './contracts.js';
import { PrismaQuarantine, startQuarantinePurger } from './acceptance/quarantine.js';
import { PrismaMailboxes } from './mailbox/prisma-mailboxes.js';
import { FolderWatchers } from './mailstore/folder-watchers.js';
import { PrismaMailStore } from './mailstore/prisma-mail-store.js';
import type { MailStore } from './mailstore/types.js';
import { ChangeListener } from './notify/change-listener.js';
import { databaseUrlOf } from './notify/database-url.js';
import { WordListCache } from './policy/cache.js';
import { QueueManager } from './queue/manager.js';
import { NextHopResolver } from './queue/transport.js';
import { ClusterRelayRoutes } from './cluster/relay-routes.js';
import { loadClusterConfig } from './cluster/config.js';
import { ClusterPeers } from './smtp/cluster-peers.js';
import { PrismaOutboundQueue } from './queue/spool.js';
import { SERVER_DEFAULTS } from './settings/effective-settings.js';
import { GroupCommitter } from './smtp/committer.js';
import { LocalCommits } from './smtp/local-commit.js';
import { ConnectionLimiter } from './smtp/connection-limits.js';
import { OrphanFiles } from './smtp/orphans.js';
import type { PipelineContext } from './smtp/context.js';
import { BatchedMailEvents } from './smtp/events.js';
import { Directory } from './smtp/recipients.js';
import { SendingRate } from './smtp/sending-rate.js';
import { startSmtpListeners } from './smtp/server.js';
import { loadTlsCredentials } from './smtp/tls.js';
import { startImapListeners } from './imap/server.js';
import { startPop3Listeners } from './pop3/server.js';
import { RpopScheduler } from './rpop/scheduler.js';
import { DirectoryLogins } from './ldap/directory-logins.js';
import { loadSecretKey, SealedSecrets } from './secrets/sealed-secrets.js';
import { TrustedClients } from './smtp/trust.js';
import { WordListScanner } from './smtp/word-lists.js';
import { startStorageSweeper } from './storage/blob-sweeper.js';
import { startStorageUsageFolder } from './storage/usage.js';
import { FileBlobStore } from './storage/file-blob-store.js';
import { startUnitDrainer } from './storage/unit-drainer.js';

export interface EngineOptions {
  prisma: Db;
  config: EngineConfig;
  log?: (line: string) => void;
  /**
   * The database the change listener (LISTEN/NOTIFY) connects to; by default the one behind
   * `prisma` when it was made by `createPrismaClient`.
   */
  databaseUrl?: string;
  /** Failed logins (any protocol) per client address, shared or not, in the window; overrides `config.loginFailures` (tests). */
  authFailuresPerClient?: number;
  /** Failed logins per account in the window; overrides `config.loginFailures`. */
  authFailuresPerAccount?: number;
  authFailureWindowMs?: number;
  /** How often unreferenced blobs are freed (default 60 s). */
  sweepIntervalMs?: number;
  /** How long the file of a message whose transaction failed is kept before it is deleted (default 60 s). */
  orphanGraceMs?: number;
  /** A back-end silent longer than this is not relayed to (default: SCHOOLMAIL_NODE_STALE_SECONDS). */
  clusterStaleSeconds?: number;
  /** Start the outbound queue's workers (default true; tests of intake alone may turn them off). */
  queueWorkers?: boolean;
}

export interface RunningEngine {
  /** The ports actually listened on (a configured 0 picks a free one). */
  ports: { smtp: number; submission: number; pop3: number; pop3s?: number; imap: number; imaps?: number };
  blobs: FileBlobStore;
  queue: QueueManager;
  /** Logins and service checks for every protocol. */
  access: MailAccess;
  /** Folders and messages for POP3, IMAP, RPOP and imports. */
  store: MailStore;
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
  const secrets = new SealedSecrets(loadSecretKey(config.dataDir));
  const databaseUrl = options.databaseUrl ?? databaseUrlOf(prisma);
  if (!databaseUrl) throw new Error('startEngine: cannot tell the database URL of the Prisma client; pass `databaseUrl`');
  const changes = new ChangeListener(databaseUrl, log);
  const access = new PrismaMailAccess(prisma, {
    changes,
    directory: new DirectoryLogins({ secrets }),
    limits: {
      ...loginLimitsOf(config),
      ...(options.authFailuresPerClient !== undefined && { perClient: options.authFailuresPerClient, perSharedClient: options.authFailuresPerClient }),
      ...(options.authFailuresPerAccount !== undefined && { perAccount: options.authFailuresPerAccount }),
      ...(options.authFailureWindowMs !== undefined && { windowMs: options.authFailureWindowMs }),
    },
    log,
  });
  const blobs = new FileBlobStore(prisma, { dataDir: config.dataDir, log });
  const folderWatchers = new FolderWatchers(changes, log);
  const store = new PrismaMailStore({
    db: prisma,
    blobs,
    watchers: folderWatchers,
    quotaLimit: async (accountId) => {
      const settings = await access.settings(accountId);
      return settings ? BigInt(settings.mailboxQuotaMb.value) * 1024n * 1024n : null;
    },
  });
  await changes.start();
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
  const relay = new ClusterRelayRoutes(prisma, { staleSeconds: options.clusterStaleSeconds ?? loadClusterConfig().staleSeconds });
  const queue = new QueueManager({ db: prisma, config, blobs, deliverLocal, queue: outbound, resolver: new NextHopResolver(prisma, undefined, relay), log });

  const orphans = new OrphanFiles(prisma, blobs.units, log, options.orphanGraceMs);
  // The group commit's fast lane commits one batch at a time (committer.ts): one connection.
  const commitPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // SMTP and IMAP apply the same open-connection limits per client address.
  const connectionLimit = connectionLimitOf(config);
  commitPool.on('error', (error) => log(`smtp: commit connection: ${error.message}`));
  const ctx: PipelineContext = {
    db: prisma,
    config,
    log,
    blobs,
    mailboxes,
    queue: outbound,
    quarantine: new PrismaQuarantine(),
    events,
    committer: new GroupCommitter(prisma, { localLane: new LocalCommits(commitPool, log) }),
    orphans,
    directory: new Directory(prisma, config.nodeId),
    wordLists: new WordListScanner(prisma, new WordListCache()),
    connections: new ConnectionLimiter(connectionLimit),
    access,
    sendingRate: new SendingRate(prisma),
    notifyQueued: () => queue.wakeOne(),
  };
  // A class of service or status changed by an administrator applies to the next RCPT TO, not after the TTL.
  access.onSettingsChanged((change) => ctx.directory.forgetMailboxes(change === 'all' ? 'all' : change.accountIds));
  const tls = await loadTlsCredentials(config, log);
  let maxMessageBytes = await largestMessageBytes(prisma);
  const listeners = await startSmtpListeners(ctx, {
    tls,
    trusted: new TrustedClients(prisma, config.trustedNetworks, log),
    clusterPeers: new ClusterPeers(config.clusterNetworks, log),
    maxMessageBytes,
  });
  const sizeRefresh = setInterval(() => {
    largestMessageBytes(prisma).then((bytes) => {
      maxMessageBytes = bytes;
      listeners.setMaxMessageBytes(bytes);
    }, (error: unknown) => log(`smtp: ${String(error)}`));
  }, 60_000);
  sizeRefresh.unref();
  if (options.queueWorkers !== false) queue.start();
  const pop3 = await startPop3Listeners({ access, store, config, tls, log });
  const rpop = new RpopScheduler({ db: prisma, access, delivery: ctx, secrets, timeoutMs: config.rpop.timeoutMs, config, log });
  rpop.start();
  log(`POP3 on ${config.listenHost}:${pop3.ports.pop3}${pop3.ports.pop3s !== undefined ? `, POP3S on ${config.listenHost}:${pop3.ports.pop3s}` : ''}`);
  const imap = await startImapListeners(
    { store, access, tls, log, allowPlainAuth: config.allowPlainAuth, maxMessageBytes: () => maxMessageBytes, idleTimeoutMs: 30 * 60_000, maxLineBytes: 64 * 1024 },
    { host: config.listenHost, port: config.imapPort, securePort: config.imapsPort, connectionsPerClient: connectionLimit },
  );
  log(`IMAP on ${config.listenHost}:${imap.ports.imap}${imap.ports.imaps !== undefined ? `, IMAPS on ${config.listenHost}:${imap.ports.imaps}` : ''}`);
  const stopBlobSweeper = startStorageSweeper(prisma, options.sweepIntervalMs ?? 60_000, { log });
  // Moves the blobs of units set `draining` to their domains' other units (storage/unit-drainer.ts).
  const stopDrainer = startUnitDrainer(prisma, blobs, { log });
  const stopSweeper = () => Promise.all([stopDrainer(), stopBlobSweeper()]);
  const stopUsageFolder = startStorageUsageFolder(prisma, 1000, log);
  // Decided quarantine entries keep their bytes until purged (who decided stays on record).
  const stopQuarantinePurger = startQuarantinePurger(prisma, { retentionMs: config.quarantineRetentionDays * 86_400_000, log });
  log(
    `SMTP: MX on ${config.listenHost}:${listeners.ports.smtp}, submission on ${config.listenHost}:${listeners.ports.submission}` +
      ` (STARTTLS: ${tls.source}${config.allowPlainAuth ? '; AUTH allowed without TLS' : ''})`,
  );

  let stopped: Promise<void> | undefined;
  return {
    ports: { ...listeners.ports, ...pop3.ports, ...imap.ports },
    blobs,
    queue,
    access,
    store,
    stop() {
      stopped ??= (async () => {
        clearInterval(sizeRefresh);
        await listeners.close();
        await rpop.stop();
        await pop3.close();
        await imap.close();
        await queue.stop();
        await stopSweeper();
        await stopUsageFolder();
        stopQuarantinePurger();
        await events.stop();
        await commitPool.end();
        orphans.stop();
        folderWatchers.close();
        access.close();
        await changes.stop();
      })();
      return stopped;
    },
  };
}
