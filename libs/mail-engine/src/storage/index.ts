export { FileBlobStore, type FileBlobStoreOptions, type WrittenBlob } from './file-blob-store.js';
export { BlobCorruptError, BlobRaceError, NoStorageAvailableError, StorageUnitUnavailableError } from './errors.js';
export { StorageUnitCatalog, filesystemFreeBytes, DEFAULT_UNIT_NAME, type StorageUnitRecord } from './unit-catalog.js';
export { sweepUnreferencedBlobs, startStorageSweeper, type SweepOptions } from './blob-sweeper.js';
export { adoptOrphanFiles, type OrphanAuditOptions } from './orphan-files.js';
export { UnitDrainer, startUnitDrainer, DRAIN_BLOCKED, type DrainOptions, type DrainReport } from './unit-drainer.js';
export { blobPath, quarantineDirectory, trashDirectory } from './blob-paths.js';
export { fsyncDirectory, writeFileDurably, ensureDirectoryDurably } from './durable-files.js';
export { foldStorageUsage, startStorageUsageFolder } from './usage.js';
