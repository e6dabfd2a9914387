/** A blob whose bytes no longer match its hash (or are gone): isolated, reported, never served. */
export class BlobCorruptError extends Error {
  constructor(
    readonly blobId: bigint,
    readonly kind: 'corrupt-blob' | 'missing-blob',
    detail: string,
  ) {
    super(`message blob ${blobId} is unreadable (${kind}): ${detail}`);
    this.name = 'BlobCorruptError';
  }
}

/**
 * No storage unit can take the message now (all full, read-only or draining). Temporary:
 * SMTP answers 452 4.3.1 and the sender retries after an operator adds space.
 */
export class NoStorageAvailableError extends Error {
  readonly temporary = true;
  constructor(readonly detail: string) {
    super(`no storage unit can take this message: ${detail}`);
    this.name = 'NoStorageAvailableError';
  }
}

/**
 * The file of a blob vanished between `write` and `record` (the sweeper freed an identical,
 * unreferenced blob at that very moment) and its bytes were no longer at hand. Temporary:
 * the transaction rolls back and the client retries.
 */
export class BlobRaceError extends Error {
  readonly temporary = true;
  constructor(sha256: string) {
    super(`the stored copy of ${sha256} was freed while this message was being delivered; try again`);
    this.name = 'BlobRaceError';
  }
}

/**
 * A unit's directory is absent or empty (a volume not mounted, say): its blobs are not
 * condemned as missing one by one, the read fails until the unit is back.
 */
export class StorageUnitUnavailableError extends Error {
  readonly temporary = true;
  constructor(
    readonly storageUnitId: number,
    directory: string,
  ) {
    super(`storage unit ${storageUnitId} (${directory}) is not available: its directory is missing or empty`);
    this.name = 'StorageUnitUnavailableError';
  }
}
