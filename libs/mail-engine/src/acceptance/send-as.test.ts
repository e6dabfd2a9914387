import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@schoolmail/prisma';
import { createTestDatabase } from '../../../../test/support/database.js';
import { makeAccount, makeAlias, makeDomain, makeGroup } from '../../../../test/support/acceptance.js';
import { sendAsAllowed } from './send-as.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PrismaClient;
let teacher: number;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.prisma;
  await makeDomain(db, 'district1.k12.us');
  teacher = (await makeAccount(db, 'teacher@district1.k12.us')).id;
  await makeAccount(db, 'principal@district1.k12.us');
  await makeGroup(db, 'office@district1.k12.us');
  await makeGroup(db, 'pta@district1.k12.us');
  await makeAlias(db, 'mr.smith@district1.k12.us', ['teacher@district1.k12.us', 'someone@else.example']);
  await makeAlias(db, 'front-desk@district1.k12.us', ['principal@district1.k12.us']);
  await db.sendAsGrant.create({ data: { accountId: teacher, address: 'office@district1.k12.us' } });
  await db.sendAsGrant.create({ data: { accountId: teacher, address: 'principal@district1.k12.us' } });
});

afterAll(async () => {
  await database?.drop();
});

describe('send as', () => {
  it('allows the own address, whatever its case', async () => {
    expect(await sendAsAllowed(db, teacher, 'Teacher@District1.k12.us')).toBe(true);
  });

  it('allows an alias that delivers to the account, and not one that delivers elsewhere', async () => {
    expect(await sendAsAllowed(db, teacher, 'mr.smith@district1.k12.us')).toBe(true);
    expect(await sendAsAllowed(db, teacher, 'front-desk@district1.k12.us')).toBe(false);
  });

  it('allows granted group and account addresses only', async () => {
    expect(await sendAsAllowed(db, teacher, 'office@district1.k12.us')).toBe(true);
    expect(await sendAsAllowed(db, teacher, 'principal@district1.k12.us')).toBe(true);
    expect(await sendAsAllowed(db, teacher, 'pta@district1.k12.us')).toBe(false);
    expect(await sendAsAllowed(db, teacher, 'someone@else.example')).toBe(false);
    expect(await sendAsAllowed(db, teacher, '')).toBe(false);
  });

  it('stops honouring a grant once the group behind the address is gone, and the grant goes with it', async () => {
    await makeGroup(db, 'gone@district1.k12.us');
    await db.sendAsGrant.create({ data: { accountId: teacher, address: 'gone@district1.k12.us' } });
    expect(await sendAsAllowed(db, teacher, 'gone@district1.k12.us')).toBe(true);
    // As the groups API deletes a group: the group row, then its address.
    await db.group.delete({ where: { address: 'gone@district1.k12.us' } });
    await db.address.delete({ where: { address: 'gone@district1.k12.us' } });
    expect(await sendAsAllowed(db, teacher, 'gone@district1.k12.us')).toBe(false);
    expect(await db.sendAsGrant.count({ where: { address: 'gone@district1.k12.us' } })).toBe(0);
  });

  it('answers false for an account that does not exist', async () => {
    expect(await sendAsAllowed(db, 999_999, 'teacher@district1.k12.us')).toBe(false);
  });
});
