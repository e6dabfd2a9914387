/**
 * ENVELOPE, BODY and BODYSTRUCTURE of recently fetched messages, by blob. Blobs are
 * content-addressed and never change, so an entry is never stale; clients re-read these for
 * whole folders on every sync, and the cache spares reading and parsing each message again.
 * Least recently used entries go first.
 */
import type { ImapValue } from '../message/index.js';

export interface Structure {
  envelope: ImapValue;
  body: ImapValue;
  bodyStructure: ImapValue;
}

export class StructureCache {
  private readonly entries = new Map<bigint, Structure>();

  constructor(private readonly capacity = 20_000) {}

  get(blobId: bigint): Structure | undefined {
    const entry = this.entries.get(blobId);
    if (entry) {
      this.entries.delete(blobId);
      this.entries.set(blobId, entry);
    }
    return entry;
  }

  set(blobId: bigint, structure: Structure): void {
    this.entries.set(blobId, structure);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
