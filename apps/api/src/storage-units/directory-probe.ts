import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../common/errors.js';

/**
 * Makes sure the engine will be able to store mail in `directory`: creates it when missing,
 * then writes, fsyncs and removes a probe file, as every message write will. Refuses with a
 * 400 naming `directory` and the system's reason.
 */
export async function probeWritableDirectory(directory: string) {
  const probe = join(directory, `.schoolmail-probe-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o750 });
    const handle = await open(probe, 'wx', 0o600);
    try {
      await handle.writeFile('schoolmail storage probe\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await unlink(probe);
    const dir = await open(directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    await unlink(probe).catch(() => {});
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const explanation: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'the filesystem is read-only',
      ENOTDIR: 'a part of the path is a file, not a directory',
      EEXIST: 'exists and is not a directory',
      ENOSPC: 'the filesystem is full',
    };
    throw AppError.invalid('directory', `cannot store mail in ${directory}: ${explanation[reason] ?? reason}`);
  }
}
