import { ApiError } from '@/api/client';

export const STORAGE_UNIT_STATES = ['active', 'read_only', 'draining'] as const;
export type StorageUnitState = (typeof STORAGE_UNIT_STATES)[number];

export const STATE_LABEL: Record<StorageUnitState, string> = { active: 'active', read_only: 'read-only', draining: 'draining' };

/** What each state means for the mail, said in the confirmation before it changes. */
export const STATE_EFFECT: Record<StorageUnitState, string> = {
  active: 'New messages are stored on it again.',
  read_only: 'No new message is stored on it; the messages on it stay readable.',
  draining: 'Takes no new mail; its messages are being moved, a few at a time, to the other units serving the same domains, and stay readable meanwhile. When it holds nothing (0 blobs), it can be retired.',
};

/** GET /api/v1/storage-units items and GET /storage-units/{id} */
export interface StorageUnit {
  id: number;
  name: string;
  directory: string;
  state: StorageUnitState;
  capacityBytes: number;
  usedBytes: number;
  freeBytes: number;
  blobCount: number;
  domains: string[];
  /** Counts administrators' changes (the ETag); a save sends the one shown as If-Match. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a save answered with 412 says: the screen has refetched the unit in the meantime. */
export const STALE_UNIT_MESSAGE = 'Someone else changed this storage unit; the screen now shows their version. Check it and save again.';

/** The API refused a save because the unit changed since the screen read it (If-Match). */
export const isStale = (error: unknown) => error instanceof ApiError && error.status === 412;

/** The cache key of GET /storage-units/{id}: the view screen reads it, a save writes its answer into it. */
export const storageUnitQueryKey = (id: string) => ['storage-units', 'one', id] as const;

/** GET /api/v1/storage-units/{id}/problems items */
export interface StorageProblem {
  id: number;
  kind: string;
  detail: string;
  blobId: string | null;
  isolatedPath: string | null;
  detectedAt: string;
  resolvedAt: string | null;
}
