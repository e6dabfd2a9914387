/**
 * The change listener's connection is cut (as a database restart or a network failure would
 * do): it reconnects by itself, and since notifications sent meanwhile are lost, every cache
 * is dropped and every subscriber told, so a change made during the gap is not missed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { mailbox, mailDomain } from '../../../../test/support/smtp.js';
import { PrismaMailAccess } from '../access/prisma-mail-access.js';
import type { SettingsChange } from '../access/types.js';
import { ChangeListener, LISTENER_APPLICATION_NAME } from './change-listener.js';
import { FOLDERS_CHANNEL } from './channels.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function cutListenerConnections() {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTENER_APPLICATION_NAME],
    );
    return rowCount;
  } finally {
    await admin.end();
  }
}

async function notify(channel: string, payload: string) {
  await db.prisma.$executeRaw`SELECT pg_notify(${channel}, ${payload})`;
}

describe('ChangeListener', () => {
  it('reconnects after its connection is cut, tells subscribers they may have missed changes, and delivers again', async () => {
    const lines: string[] = [];
    const listener = new ChangeListener(db.url, (line) => lines.push(line));
    const payloads: string[] = [];
    let missed = 0;
    listener.subscribe(FOLDERS_CHANNEL, { notified: (p) => payloads.push(p), missed: () => missed++ });
    await listener.start();
    try {
      await notify(FOLDERS_CHANNEL, '1,2');
      await expect.poll(() => payloads).toEqual(['1,2']);

      expect(await cutListenerConnections()).toBe(1);
      await expect.poll(() => listener.connected, { timeout: 5000, interval: 20 }).toBe(false);
      await expect.poll(() => listener.connected, { timeout: 5000, interval: 20 }).toBe(true);
      // Told when the connection went, and again once it was back.
      expect(missed).toBeGreaterThanOrEqual(2);
      expect(lines.join('\n')).toMatch(/lost its connection/);

      await notify(FOLDERS_CHANNEL, '3');
      await expect.poll(() => payloads).toEqual(['1,2', '3']);
    } finally {
      await listener.stop();
    }
  });

  it('makes the settings cache forget what it held, so a change made while disconnected is seen', async () => {
    await mailDomain(db.prisma, 'gap.k12.us');
    const account = await mailbox(db.prisma, 'a@gap.k12.us');
    const listener = new ChangeListener(db.url, () => {});
    await listener.start();
    const access = new PrismaMailAccess(db.prisma, { changes: listener });
    const changes: SettingsChange[] = [];
    access.onSettingsChanged((change) => changes.push(change));
    try {
      expect(await access.refusal(account.id, 'pop3')).toBeNull();
      // While the listener is away, a change is made: its notification goes nowhere.
      await cutListenerConnections();
      await db.prisma.serviceToggle.create({ data: { service: 'pop3', enabled: false, accountId: account.id, changedBy: 'pm1' } });
      await expect.poll(() => access.refusal(account.id, 'pop3'), { timeout: 5000, interval: 20 }).toMatch(/^POP3 is disabled for the account a@gap\.k12\.us/);
      expect(changes).toContain('all');
      await expect.poll(() => listener.connected, { timeout: 5000, interval: 20 }).toBe(true);
    } finally {
      access.close();
      await listener.stop();
    }
  });
});
