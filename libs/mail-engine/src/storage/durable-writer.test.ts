import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../../../../test/support/storage.js';
import { DurableWriter } from './durable-writer.js';

describe('DurableWriter', () => {
  const writer = new DurableWriter(2);

  it('creates missing fan-out directories and writes under the final name, with or without a temporary name', async () => {
    const unit = temporaryDirectory('writer');
    const directory = join(unit, 'ab', 'cd');
    await writer.write(directory, 'exclusive', Buffer.from('first'), { ensureDirectory: true, exclusive: true });
    await writer.write(directory, 'replaced', Buffer.from('second'), { exclusive: false });
    expect(readFileSync(join(directory, 'exclusive'), 'utf8')).toBe('first');
    expect(readFileSync(join(directory, 'replaced'), 'utf8')).toBe('second');
    expect(readdirSync(directory).sort()).toEqual(['exclusive', 'replaced']);
  });

  it('replaces what a crashed exclusive write left under the name, whole', async () => {
    const directory = temporaryDirectory('writer');
    writeFileSync(join(directory, 'blob'), 'half a mess');
    await writer.write(directory, 'blob', Buffer.from('the whole message'), { exclusive: true });
    expect(readFileSync(join(directory, 'blob'), 'utf8')).toBe('the whole message');
    expect(readdirSync(directory)).toEqual(['blob']);
  });

  it('fails for a directory that is not there without ensureDirectory, leaving nothing', async () => {
    const directory = join(temporaryDirectory('writer'), 'gone');
    await expect(writer.write(directory, 'blob', Buffer.from('x'), { exclusive: true })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(directory)).toBe(false);
  });
});
