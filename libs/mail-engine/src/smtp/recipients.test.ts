import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/support/database.js';
import { alias, mailbox, mailDomain } from '../../../../test/support/smtp.js';
import { registerNode } from '../cluster/node-registry.js';
import { Directory, normalizeAddress } from './recipients.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let directory: Directory;
const D = 'school.k12.us';
const ids: Record<string, number> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  directory = new Directory(db.prisma);
  const domain = await mailDomain(db.prisma, D);
  for (const name of ['ann', 'bob', 'cy']) ids[name] = (await mailbox(db.prisma, `${name}@${D}`)).id;
  await alias(db.prisma, `inner@${D}`, [`bob@${D}`, 'out@remote.example']);
  await alias(db.prisma, `outer@${D}`, [`ann@${D}`, `inner@${D}`, `outer@${D}`, `gone@${D}`]);
  await db.prisma.address.create({ data: { address: `club@${D}`, kind: 'list', domainId: domain.id } });
  await db.prisma.mailingList.create({
    data: { address: `club@${D}`, localPart: 'club', domainId: domain.id, members: { create: [{ address: `cy@${D}` }, { address: `outer@${D}` }, { address: 'Friend@Remote.Example' }] } },
  });
  await db.prisma.address.create({ data: { address: `staff@${D}`, kind: 'group', domainId: domain.id } });
  await db.prisma.group.create({ data: { address: `staff@${D}`, localPart: 'staff', domainId: domain.id, members: { create: [{ accountId: ids.ann! }, { accountId: ids.cy! }] } } });
});
afterAll(() => db?.drop());

describe('Directory.resolve', () => {
  it('resolves accounts, unknown local addresses and remote addresses', async () => {
    expect(await directory.resolve(`ANN@${D.toUpperCase()}`)).toMatchObject({ kind: 'account', accountIds: [ids.ann], remote: [] });
    expect(await directory.resolve(`nobody@${D}`)).toMatchObject({ kind: 'unknown' });
    expect(await directory.resolve('x@elsewhere.example')).toEqual({ kind: 'remote', address: 'x@elsewhere.example', domain: 'elsewhere.example' });
    expect(await directory.resolve('no-domain')).toBeNull();
  });

  it('expands nested aliases and lists, each address once, skipping loops and vanished targets', async () => {
    const outer = await directory.resolve(`outer@${D}`);
    expect(outer).toMatchObject({ kind: 'alias' });
    if (outer?.kind !== 'alias') throw new Error('not an alias');
    expect(outer.accountIds.sort()).toEqual([ids.ann, ids.bob].sort());
    expect(outer.remote).toEqual(['out@remote.example']);
    const club = await directory.resolve(`club@${D}`);
    if (club?.kind !== 'list') throw new Error('not a list');
    expect(club.accountIds.sort()).toEqual([ids.ann, ids.bob, ids.cy].sort());
    expect(club.remote.sort()).toEqual(['friend@remote.example', 'out@remote.example']);
  });

  it('expands a group to its member accounts', async () => {
    const staff = await directory.resolve(`staff@${D}`);
    if (staff?.kind !== 'group') throw new Error('not a group');
    expect(staff.accountIds.sort()).toEqual([ids.ann, ids.cy].sort());
  });
});

describe('Directory.mailboxes', () => {
  it('answers effective settings per mailbox from one batch, and keeps usage current between reloads', async () => {
    const found = await directory.mailboxes([ids.ann!, ids.bob!, 999_999]);
    expect([...found.keys()].sort()).toEqual([ids.ann, ids.bob].sort());
    expect(found.get(ids.ann!)).toMatchObject({ address: `ann@${D}`, status: 'active', smtpEnabled: true, quotaBytes: 2048 * 1024 * 1024, usedBytes: 0 });
    await directory.addUsage(ids.ann!, 1234);
    expect((await directory.mailbox(ids.ann!))!.usedBytes).toBe(1234);
    expect((await directory.mailbox(ids.ann!, { fresh: true }))!.usedBytes).toBe(0);
  });
});

it('normalizeAddress lower-cases and IDNA-encodes the domain', () => {
  expect(normalizeAddress('<Jane@Bücher.Example>')).toEqual({ address: 'jane@xn--bcher-kva.example', local: 'jane', domain: 'xn--bcher-kva.example' });
});

describe('Directory.resolve in a cluster', () => {
  it('relays mailboxes held by another back-end (their domain pinned there, or their own mailHost) instead of delivering them here', async () => {
    await db.prisma.domain.update({ where: { name: D }, data: { backendNode: 'node-1' } });
    await mailDomain(db.prisma, `sub.${D}`, { parent: D });
    const sue = await mailbox(db.prisma, `sue@sub.${D}`);
    await db.prisma.account.update({ where: { id: ids.cy! }, data: { mailHost: 'node-2' } });
    for (const id of ['node-1', 'node-2']) await registerNode(db.prisma, { id, role: 'backend', addresses: {}, version: 'test' });
    // A mailHost that names no node of the cluster (an older platform's host) is not followed.
    await db.prisma.account.update({ where: { id: ids.bob! }, data: { mailHost: 'mail1.old-platform.example' } });
    const here = new Directory(db.prisma, 'node-1');
    expect(await here.resolve(`bob@${D}`)).toMatchObject({ kind: 'account', accountIds: [ids.bob], remote: [] });
    expect(await here.resolve(`ann@${D}`)).toMatchObject({ kind: 'account', accountIds: [ids.ann], remote: [] });
    // A sub-domain follows its parent's pin.
    expect(await here.resolve(`sue@sub.${D}`)).toMatchObject({ kind: 'account', accountIds: [sue.id], remote: [] });
    expect(await here.resolve(`cy@${D}`)).toEqual({ kind: 'account', address: `cy@${D}`, domain: expect.anything(), accountIds: [], remote: [`cy@${D}`], relayedAccountIds: [ids.cy] });
    expect(await here.resolve(`staff@${D}`)).toMatchObject({ kind: 'group', accountIds: [ids.ann], remote: [`cy@${D}`], relayedAccountIds: [ids.cy] });

    const there = new Directory(db.prisma, 'node-2');
    expect(await there.resolve(`cy@${D}`)).toMatchObject({ accountIds: [ids.cy], remote: [] });
    expect(await there.resolve(`sue@sub.${D}`)).toMatchObject({ accountIds: [], remote: [`sue@sub.${D}`], relayedAccountIds: [sue.id] });
  });
});
