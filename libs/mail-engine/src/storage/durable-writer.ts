/**
 * `writeFileDurably` (with `ensureDirectoryDurably` when asked) run on a few worker threads.
 * One durable write is eight file-system calls (open, write, fsync, close, rename, open of
 * the directory, fsync, close); through fs/promises each is a round trip to libuv's pool and
 * a promise on the main thread, which at a thousand messages a second costs the event loop
 * more than everything else the message needs. A worker makes the same calls, in the same
 * order and with the same guarantees (it answers only after the directory's fsync), and the
 * main thread pays one message each way. Several workers keep several fsyncs in flight, so
 * the file system can commit them together.
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

function ensureDirectoryDurably(directory) {
  const firstCreated = fs.mkdirSync(directory, { recursive: true });
  if (!firstCreated) return;
  const created = [];
  for (let current = directory; ; current = path.dirname(current)) {
    created.push(current);
    if (current === firstCreated || path.dirname(current) === current) break;
  }
  for (const parent of new Set(created.map((d) => path.dirname(d)))) fsyncDirectory(parent);
}

function writeFileDurably(directory, name, bytes) {
  const temporary = path.join(directory, '.tmp-' + name.slice(0, 16) + '-' + crypto.randomBytes(6).toString('hex'));
  const fd = fs.openSync(temporary, 'wx', 0o640);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
  } catch (error) {
    try { fs.closeSync(fd); } catch {}
    try { fs.unlinkSync(temporary); } catch {}
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temporary, path.join(directory, name));
  } catch (error) {
    try { fs.unlinkSync(temporary); } catch {}
    throw error;
  }
  fsyncDirectory(directory);
}

parentPort.on('message', ({ id, directory, name, bytes, ensureDirectory }) => {
  try {
    if (ensureDirectory) ensureDirectoryDurably(directory);
    writeFileDurably(directory, name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

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

  write(directory: string, name: string, bytes: Buffer, ensureDirectory: boolean): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held while a write is under way, so the process waits for it on the way out.
      this.worker.ref();
      this.worker.postMessage({ id, directory, name, bytes, ensureDirectory });
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

  /**
   * Writes `bytes` as `directory/name` as writeFileDurably does (after ensureDirectoryDurably
   * when `ensureDirectory`); resolves once the file and its directory entry are fsynced.
   */
  write(directory: string, name: string, bytes: Buffer, ensureDirectory = false): Promise<void> {
    return this.pick().write(directory, name, bytes, ensureDirectory);
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
