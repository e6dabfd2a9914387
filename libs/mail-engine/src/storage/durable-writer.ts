/**
 * Durable file writes on a few worker threads. One durable write is about ten file-system
 * calls; through fs/promises each is a round trip to libuv's pool and a promise on the main
 * thread, which at a thousand messages a second costs the event loop more than everything
 * else the message needs. A worker makes the same calls with the same guarantees (it answers
 * only after the fsync of the file and of its directory).
 *
 * Handing work to a thread and hearing back wakes a sleeping thread each way, and on a
 * virtual machine a wake-up costs more than the write (about 80 µs of the main thread's time
 * per message, measured). So the writes asked for in one turn of the event loop go to a
 * thread together (up to BATCH), which answers them together; several threads keep several
 * batches in flight, so the file system can commit them together.
 *
 * What costs the time is the file system's journal commits, one per fsync that finds
 * something not yet committed; so each batch is ordered to need as few as possible:
 * - every file of the batch is written first and fsynced afterwards: the first fsync's
 *   journal commit carries the others' new entries, which leaves less to their own fsyncs;
 * - a new fan-out directory is only created at first, and fsynced (with the parents of what
 *   was created) after the files, when the files' commits have already carried its entry;
 * - each directory is fsynced once per batch, after all its files;
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

/** The writer threads' nice value (the event loop keeps 0). */
const WRITER_NICE = 10;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

// A lower priority than the event-loop thread (Linux keeps one per thread): a batch handed
// over wakes this thread, and at equal priority the wake-up often preempts the event loop on
// its own core, which is the one thread every connection waits for.
try {
  const threadId = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(threadId, ${WRITER_NICE});
} catch {}

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

function discard(file) {
  file.fd = undefined;
  try { fs.unlinkSync(file.path); } catch {}
}

/** Creates \`file.path\` (which must not exist) with the bytes, not yet fsynced. */
function create(file, bytes) {
  file.fd = fs.openSync(file.path, 'wx', 0o640);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(file.fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    try { fs.closeSync(file.fd); } catch {}
    discard(file);
    throw error;
  }
}

/** Phase 1: the bytes under the final name (exclusive) or a temporary one. */
function start(write) {
  const bytes = Buffer.from(write.bytes.buffer, write.bytes.byteOffset, write.bytes.byteLength);
  const target = path.join(write.directory, write.name);
  if (write.exclusive) {
    try {
      const file = { path: target, target };
      create(file, bytes);
      return file;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  const file = { path: path.join(write.directory, '.tmp-' + write.name.slice(0, 16) + '-' + crypto.randomBytes(6).toString('hex')), target };
  create(file, bytes);
  return file;
}

/** Phase 2: fsync and close; a temporary file then takes the final name. */
function finish(file) {
  try {
    fs.fsyncSync(file.fd);
  } catch (error) {
    try { fs.closeSync(file.fd); } catch {}
    discard(file);
    throw error;
  }
  fs.closeSync(file.fd);
  if (file.path === file.target) return;
  try {
    fs.renameSync(file.path, file.target);
  } catch (error) {
    discard(file);
    throw error;
  }
}

const failure = (error) => ({ message: String(error && error.message), code: error && error.code });

parentPort.on('message', (writes) => {
  const results = writes.map((write) => ({ id: write.id }));
  const files = [];
  const newEntries = new Set();
  writes.forEach((write, i) => {
    try {
      if (write.ensureDirectory) for (const parent of makeDirectory(write.directory)) newEntries.add(parent);
      files[i] = start(write);
    } catch (error) {
      results[i].error = failure(error);
    }
  });
  files.forEach((file, i) => {
    try {
      finish(file);
    } catch (error) {
      results[i].error = failure(error);
    }
  });
  const directories = new Map();
  writes.forEach((write, i) => {
    if (results[i].error) return;
    if (!directories.has(write.directory)) directories.set(write.directory, []);
    directories.get(write.directory).push(i);
  });
  for (const [directory, indexes] of directories) {
    try {
      fsyncDirectory(directory);
    } catch (error) {
      for (const i of indexes) results[i].error = failure(error);
    }
  }
  for (const parent of newEntries) {
    try {
      fsyncDirectory(parent);
    } catch (error) {
      // Which of the batch's new directories hang here is not worth tracking: all of it failed.
      for (const result of results) if (!result.error) result.error = failure(error);
    }
  }
  parentPort.postMessage(results);
});
`;

export interface DurableWriteOptions {
  /** Create the directory (and its parents) when missing, durably. */
  ensureDirectory?: boolean;
  /** Write under the final name directly (see above): only for content nobody looks for yet. */
  exclusive?: boolean;
}

interface Request {
  id: number;
  directory: string;
  name: string;
  bytes: Buffer;
  ensureDirectory: boolean;
  exclusive: boolean;
}

interface Pending {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A write waiting for its thread, with its caller's promise. */
type Queued = { request: Request } & Pending;

/** Writes handed to one thread at once, at most. */
const BATCH = 8;

class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly onExit: (thread: WriterThread) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (results: Array<{ id: number; error?: { message: string; code?: string } }>) => {
      for (const { id, error } of results) {
        const waiting = this.pending.get(id);
        if (!waiting) continue;
        this.pending.delete(id);
        if (!error) waiting.resolve();
        else waiting.reject(Object.assign(new Error(error.message), { code: error.code }));
      }
      if (this.pending.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`durable writer thread exited (${code})`)));
  }

  get load() {
    return this.pending.size;
  }

  send(batch: readonly Queued[]) {
    for (const { request, resolve, reject } of batch) this.pending.set(request.id, { resolve, reject });
    // Held while writes are under way, so the process waits for them on the way out.
    this.worker.ref();
    this.worker.postMessage(batch.map(({ request }) => request));
  }

  private fail(error: unknown) {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.onExit(this);
  }
}

export class DurableWriter {
  private readonly threads: WriterThread[] = [];
  private queued: Queued[] = [];
  private nextId = 0;

  constructor(private readonly size = 4) {}

  /** Writes `bytes` as `directory/name`; resolves once the file and its directory entries are fsynced. */
  write(directory: string, name: string, bytes: Buffer, options: DurableWriteOptions = {}): Promise<void> {
    const request = { id: this.nextId++, directory, name, bytes, ensureDirectory: !!options.ensureDirectory, exclusive: !!options.exclusive };
    return new Promise<void>((resolve, reject) => {
      if (this.queued.push({ request, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Hands this turn's writes to the least busy threads, BATCH at a time. */
  private flush() {
    const queued = this.queued;
    this.queued = [];
    for (let start = 0; start < queued.length; start += BATCH) this.pick().send(queued.slice(start, start + BATCH));
  }

  /** An idle thread, else a new one while there are fewer than `size`, else the least busy. */
  private pick(): WriterThread {
    const idle = this.threads.find((thread) => thread.load === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) {
      const thread = new WriterThread((gone) => this.threads.splice(this.threads.indexOf(gone) >>> 0, 1));
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  }
}
