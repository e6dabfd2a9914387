/**
 * Files of messages whose acceptance transaction failed. `BlobStore.write` makes the file
 * durable before the transaction, so a failed transaction leaves a file with no MessageBlob
 * row. Its content is unique to that one message (our Received header holds its random queue
 * id), so nothing else can ever refer to it; yet the transaction may have committed after all
 * (the connection broke during COMMIT). So the file is looked at again after a grace period:
 * with no row for its hash by then, it is deleted; with a row, it is kept. A process that
 * stops before the check leaves the file behind, for storage/orphan-files.ts to find.
 */
import { unlink } from 'node:fs/promises';
import type { Db } from '../contracts.js';
import { blobPath } from '../storage/blob-paths.js';
import type { StorageUnitCatalog } from '../storage/unit-catalog.js';

export interface WrittenFile {
  sha256: string;
  storageUnitId: number;
}

export class OrphanFiles {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly db: Db,
    private readonly units: StorageUnitCatalog,
    private readonly log: (line: string) => void,
    private readonly graceMs = 60_000,
  ) {}

  /** Deletes these files after the grace period unless a MessageBlob row has appeared for them. */
  forget(files: ReadonlyArray<WrittenFile | null>): void {
    for (const file of files) {
      if (!file) continue;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.removeIfUnreferenced(file).catch((error: unknown) => this.log(`smtp: orphan file ${file.sha256}: ${String(error)}`));
      }, this.graceMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  async removeIfUnreferenced(file: WrittenFile): Promise<boolean> {
    if (await this.db.messageBlob.findUnique({ where: { sha256: file.sha256 }, select: { id: true } })) return false;
    const unit = await this.units.unit(file.storageUnitId);
    await unlink(blobPath(unit.directory, file.sha256)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return true;
  }

  stop(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }
}
