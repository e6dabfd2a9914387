/**
 * One collection run of one remote POP source: log in, list UIDLs, fetch each message not
 * collected before and deliver it (the UIDL is remembered in the delivery's transaction),
 * mark messages for deletion when the source does not leave them on the server, QUIT (the
 * remote server deletes only then). A failure part-way leaves what was delivered delivered
 * and remembered; the rest is tried again at the next run.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Db } from '../contracts.js';
import type { SealedSecrets } from '../secrets/sealed-secrets.js';
import { deliverCollected, DeliveryDeferred, type CollectedOutcome, type DeliveryContext } from './deliver.js';
import type { RpopDestinationPolicy } from './destination-policy.js';
import { Pop3Client, type RemoteTlsMode } from './pop3-client.js';

export interface RpopSourceRow {
  id: number;
  accountId: number;
  host: string;
  port: number;
  tls: RemoteTlsMode;
  username: string;
  passwordSealed: string;
  intervalSeconds: number;
  leaveOnServer: boolean;
  consecutiveFailures: number;
}

export interface CollectDeps {
  db: Db;
  delivery: DeliveryContext;
  secrets: SealedSecrets;
  timeoutMs: number;
  tlsOptions?: ConnectionOptions;
  /** Checked at every connection, on the addresses dialled (the API's check at save time is not enough). */
  destinations: RpopDestinationPolicy;
}

/** Counted as the run goes, so a run that fails part-way still reports what it delivered. */
export type CollectTally = Record<CollectedOutcome, number>;

export const emptyTally = (): CollectTally => ({ delivered: 0, tagged: 0, quarantined: 0, rejected: 0 });

const MAX_MESSAGE_BYTES = 200 * 1024 * 1024;

function openPassword(secrets: SealedSecrets, sealed: string): string {
  try {
    return secrets.open(sealed);
  } catch {
    throw new Error('the stored password cannot be read (was the secret key changed?)');
  }
}

export async function collectSource(deps: CollectDeps, source: RpopSourceRow, tally: CollectTally): Promise<void> {
  const addresses = await deps.destinations.addressesFor(source.host, source.port, deps.timeoutMs);
  const password = openPassword(deps.secrets, source.passwordSealed);
  // Quota decisions start from the stored usage, not from a cache a few seconds old.
  await deps.delivery.directory.mailbox(source.accountId, { fresh: true });
  const client = await Pop3Client.connect({
    host: source.host,
    addresses,
    port: source.port,
    tls: source.tls,
    timeoutMs: deps.timeoutMs,
    maxResponseBytes: MAX_MESSAGE_BYTES,
    tlsOptions: deps.tlsOptions,
  });
  try {
    await client.login(source.username, password);
    const listing = await client.uidl();
    const uidls = listing.map((entry) => entry.uidl);
    const seen = new Set(
      (await deps.db.rpopSeenMessage.findMany({ where: { sourceId: source.id, uidl: { in: uidls } }, select: { uidl: true } })).map((row) => row.uidl),
    );
    let deferred: DeliveryDeferred | null = null;
    for (const { number, uidl } of listing) {
      if (!seen.has(uidl)) {
        const raw = await client.retrieve(number);
        try {
          const outcome = await deliverCollected(deps.delivery, {
            accountId: source.accountId,
            raw,
            remoteHost: source.host,
            remember: async (tx) => {
              await tx.rpopSeenMessage.create({ data: { sourceId: source.id, uidl } });
            },
          });
          tally[outcome]++;
        } catch (error) {
          if (!(error instanceof DeliveryDeferred)) throw error;
          deferred = error;
          break;
        }
      }
      if (!source.leaveOnServer) await client.delete(number);
    }
    // QUIT even after a deferral: the deletions of what was delivered must take effect.
    await client.quit();
    // UIDLs the server no longer has need not be remembered.
    await deps.db.rpopSeenMessage.deleteMany({ where: { sourceId: source.id, uidl: { notIn: uidls } } });
    if (deferred) throw deferred;
  } finally {
    client.close();
  }
}
