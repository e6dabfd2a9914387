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

  it('runs its threads at a lower priority than the event loop, so handing them work does not preempt it', async () => {
    // Linux keeps a nice value per thread: the 17th field after the command name in its stat.
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threadsAt10 = () => readdirSync('/proc/self/task').filter((thread) => niceOf(readFileSync(`/proc/self/task/${thread}/stat`, 'utf8')) === 10).length;
    const before = threadsAt10();
    await new DurableWriter(1).write(temporaryDirectory('writer'), 'blob', Buffer.from('x'), { exclusive: true });
    expect(threadsAt10()).toBe(before + 1);
    expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(0);
  });

  it('fails for a directory that is not there without ensureDirectory, leaving nothing', async () => {
    const directory = join(temporaryDirectory('writer'), 'gone');
    await expect(writer.write(directory, 'blob', Buffer.from('x'), { exclusive: true })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(directory)).toBe(false);
  });

  it('writes what is asked for in one turn together, and one failed write fails only itself', async () => {
    const unit = temporaryDirectory('writer');
    const names = Array.from({ length: 20 }, (_, i) => `blob-${i}`);
    const outcomes = await Promise.allSettled([
      ...names.map((name, i) => writer.write(join(unit, String(i % 3)), name, Buffer.from(`content ${i}`), { ensureDirectory: true, exclusive: i % 2 === 0 })),
      writer.write(join(unit, 'missing'), 'lost', Buffer.from('x'), { exclusive: true }),
    ]);
    expect(outcomes.slice(0, 20).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(outcomes[20]).toMatchObject({ status: 'rejected', reason: { code: 'ENOENT' } });
    names.forEach((name, i) => expect(readFileSync(join(unit, String(i % 3), name), 'utf8')).toBe(`content ${i}`));
    // No temporary file is left behind.
    expect([0, 1, 2].flatMap((d) => readdirSync(join(unit, String(d)))).sort()).toEqual([...names].sort());
  });
});
