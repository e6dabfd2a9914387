/**
 * The durability primitives of the house rule "answer 250 only after the bytes are on
 * disk": a file is complete under its final name only after its data, then its directory
 * entry, have been fsynced.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function fsyncDirectory(directory: string) {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates `directory` with its missing parents and fsyncs the parent of every directory it
 * created, so the new entries survive a crash as well as the files later put in them.
 */
export async function ensureDirectoryDurably(directory: string) {
  const firstCreated = await mkdir(directory, { recursive: true });
  if (!firstCreated) return;
  const created: string[] = [];
  for (let current = directory; ; current = dirname(current)) {
    created.push(current);
    if (current === firstCreated || dirname(current) === current) break;
  }
  for (const parent of new Set(created.map((d) => dirname(d)))) await fsyncDirectory(parent);
}

/**
 * Writes `bytes` as `directory/name` so that the name only ever shows a complete file: a
 * temporary file in the same directory (same filesystem, so rename is atomic), fsync,
 * rename, fsync of the directory.
 */
export async function writeFileDurably(directory: string, name: string, bytes: Buffer) {
  const temporary = join(directory, `.tmp-${name.slice(0, 16)}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temporary, 'wx', 0o640);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, join(directory, name));
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await fsyncDirectory(directory);
}

export const isMissingFile = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';
