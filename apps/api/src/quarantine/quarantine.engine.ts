/**
 * The engine parts the quarantine API needs: the blob store (to preview a held message),
 * the mailboxes and the outbound queue (to release it). Built here from the engine's
 * classes; when the engine's wiring offers shared instances, this provider should hand
 * out those instead.
 */
import type { Provider } from '@nestjs/common';
import { FileBlobStore, loadEngineConfig, PrismaMailboxes, PrismaOutboundQueue, type BlobStore, type ReleaseTargets } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';

export const QUARANTINE_ENGINE = Symbol('QUARANTINE_ENGINE');

export interface QuarantineEngine {
  blobs: Pick<BlobStore, 'read'>;
  targets: ReleaseTargets;
}

export const quarantineEngineProvider: Provider = {
  provide: QUARANTINE_ENGINE,
  inject: [PRISMA, API_CONFIG],
  useFactory: (prisma: Database, config: ApiConfig): QuarantineEngine => ({
    blobs: new FileBlobStore(prisma, { dataDir: config.dataDir }),
    targets: { mailboxes: new PrismaMailboxes(), queue: new PrismaOutboundQueue(loadEngineConfig()) },
  }),
};
