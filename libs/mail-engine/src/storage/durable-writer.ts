/**
 * Durable file writes on a few worker threads. One durable write is about ten file-system
 * calls; through fs/promises each is a round trip to libuv's pool and a promise on the main
 * thread, which at a thousand messages a second costs the event loop more than everything
 * else the message needs. A worker makes the same calls with the same guarantees (it answers
 * only after the fsync of the file and of its directory), and the main thread pays one
 * message each way. Several workers keep several fsyncs in flight, so the file system can
 * commit them together.
 *
 * What costs the time is the file system's journal commits, one per fsync that finds
 * something not yet committed; so each write is ordered to need as few as possible:
 * - a new fan-out directory is only created at first, and fsynced (with the parents of what
 *   was created) after the file, when the file's own commit has already carried its entry;
 * - `exclusive` writes go straight to their final name (created, written, fsynced), so the
 *   directory's fsync after them finds nothing left to commit, where a temporary name and a
 *   rename cost a second commit. It is for content no one can be looking for under that name
 *   before the write returns (a new message: its Received header holds a fresh queue id), so
 *   a write cut short by a crash leaves an unreferenced file, like any write before its row.
 *   Should the name exist all the same, it is replaced as a non-exclusive write replaces it.
 * Otherwise the bytes go to a temporary file in the same directory, which is fsynced and
 * renamed, so the name only ever shows a complete file.
 *
 * The worker is plain CommonJS given as source, so it runs the same from the TypeScript
 * sources (tests) and from the build.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

function fsyncDirectory(directory) {
  const fd = fs.openSync(directory, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

/** Creates the directory and its missing parents; answers the directories whose entries are new. */
function makeDirectory(directory) {
  const firstCreated = fs.mkdirSync(directory, { recursive: true });
  if (!firstCreated) return [];
  const created = [];
  for (let current = directory; ; current = path.dirname(current)) {
    created.push(current);
    if (current === firstCreated || path.dirname(current) === current) break;
  }
  return [...new Set(created.map((d) => path.dirname(d)))];
}

function writeAll(fd, bytes) {
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
  fs.fsyncSync(fd);
}

/** Writes and fsyncs a file that was not there before; on failure nothing stays under its name. */
function createSynced(file, bytes) {
  const fd = fs.openSync(file, 'wx', 0o640);
  try {
    writeAll(fd, bytes);
  } catch (error) {
    try { fs.closeSync(fd); } catch {}
    try { fs.unlinkSync(file); } catch {}
    throw error;
  }
  fs.closeSync(fd);
}

function replaceSynced(directory, name, bytes) {
  const temporary = path.join(directory, '.tmp-' + name.slice(0, 16) + '-' + crypto.randomBytes(6).toString('hex'));
  createSynced(temporary, bytes);
  try {
    fs.renameSync(temporary, path.join(directory, name));
  } catch (error) {
    try { fs.unlinkSync(temporary); } catch {}
    throw error;
  }
}

function writeFileDurably(directory, name, bytes, exclusive) {
  if (!exclusive) return replaceSynced(directory, name, bytes);
  try {
    createSynced(path.join(directory, name), bytes);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    replaceSynced(directory, name, bytes);
  }
}

parentPort.on('message', ({ id, directory, name, bytes, ensureDirectory, exclusive }) => {
  try {
    const newEntries = ensureDirectory ? makeDirectory(directory) : [];
    writeFileDurably(directory, name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), exclusive);
    fsyncDirectory(directory);
    for (const parent of newEntries) fsyncDirectory(parent);
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

export interface DurableWriteOptions {
  /** Create the directory (and its parents) when missing, durably. */
  ensureDirectory?: boolean;
  /** Write under the final name directly (see above): only for content nobody looks for yet. */
  exclusive?: boolean;
}

interface Pending {
  resolve: () => void;
  reject: (error: unknown) => void;
}

class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly onExit: (thread: WriterThread) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', ({ id, error }: { id: number; error?: { message: string; code?: string } }) => {
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
      if (!error) return waiting.resolve();
      waiting.reject(Object.assign(new Error(error.message), { code: error.code }));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`durable writer thread exited (${code})`)));
  }

  get load() {
    return this.pending.size;
  }

  write(directory: string, name: string, bytes: Buffer, options: DurableWriteOptions): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held while a write is under way, so the process waits for it on the way out.
      this.worker.ref();
      this.worker.postMessage({ id, directory, name, bytes, ensureDirectory: !!options.ensureDirectory, exclusive: !!options.exclusive });
    });
  }

  private fail(error: unknown) {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.onExit(this);
  }
}

export class DurableWriter {
  private readonly threads: WriterThread[] = [];

  constructor(private readonly size = 4) {}

  /** Writes `bytes` as `directory/name`; resolves once the file and its directory entries are fsynced. */
  write(directory: string, name: string, bytes: Buffer, options: DurableWriteOptions = {}): Promise<void> {
    return this.pick().write(directory, name, bytes, options);
  }

  private pick(): WriterThread {
    if (this.threads.length < this.size) {
      const thread = new WriterThread((gone) => this.threads.splice(this.threads.indexOf(gone) >>> 0, 1));
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  }
}
