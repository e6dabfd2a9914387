import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@schoolmail/mail-engine';
import { ApiClient, startTestApi, STAFF_PASSWORD, type TestApi } from '../support/api.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

async function createMailbox(target: TestApi, address: string, password: string, status: 'active' | 'suspended' = 'active') {
  const [localPart, domainName] = address.split('@') as [string, string];
  const domain = await target.prisma.domain.findUniqueOrThrow({ where: { name: domainName } });
  await target.prisma.address.create({ data: { address, kind: 'account', domainId: domain.id } });
  return target.prisma.account.create({ data: { address, localPart, domainId: domain.id, passwordHash: await hashPassword(password), status } });
}

describe('sign-in with a bearer token', () => {
  it('gives a token that works on REST and GraphQL, and logout revokes it', async () => {
    const login = await api.anonymous.post('/auth/login', { username: 'staff', password: STAFF_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', role: 'admin' });
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const client = new ApiClient(api.baseUrl, login.body.accessToken);
    expect((await client.get('/domains')).status).toBe(200);
    expect((await client.get('/auth/me')).body).toMatchObject({ kind: 'admin', name: 'staff', role: 'staff' });
    const graphql = await client.graphql('{ domains { items { name } } }');
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data.domains.items).toEqual([]);

    expect((await client.post('/auth/logout')).status).toBe(204);
    const after = await client.get('/domains');
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    const graphqlAfter = await client.graphql('{ domains { items { name } } }');
    expect(graphqlAfter.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 with a problem document for no token, a forged token and a wrong password', async () => {
    const none = await api.anonymous.get('/domains');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, title: 'Authentication required' });
    expect((await new ApiClient(api.baseUrl, 'sms_forged').get('/domains')).status).toBe(401);
    const wrong = await api.anonymous.post('/auth/login', { username: 'staff', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body).toMatchObject({ status: 401, detail: 'wrong username or password' });
    // An unknown user gets the very same answer: no way to learn which usernames exist.
    const unknown = await api.anonymous.post('/auth/login', { username: 'nobody', password: 'not-the-password' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    const missing = await api.anonymous.post('/auth/login', { username: 'staff' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('password');
  });

  it('stores administrator passwords as scheme-tagged scrypt hashes', async () => {
    const created = await api.staff.post('/admins', { username: 'hashcheck', password: 'a-long-password-1' });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('SCRYPT');
    const stored = await api.prisma.admin.findUniqueOrThrow({ where: { username: 'hashcheck' } });
    expect(stored.passwordHash.startsWith('{SCRYPT}')).toBe(true);
    expect(stored.passwordHash).not.toContain('a-long-password-1');
  });

  it('lets a mailbox owner sign in with its address as role user, but not a suspended one', async () => {
    expect((await api.staff.post('/domains', { name: 'school.k12.us' })).status).toBe(201);
    await createMailbox(api, 'jane@school.k12.us', 'jane-password-1');
    const jane = await api.anonymous.post('/auth/login', { username: 'Jane@School.k12.us', password: 'jane-password-1' });
    expect(jane.status).toBe(200);
    expect(jane.body.role).toBe('user');
    const client = new ApiClient(api.baseUrl, jane.body.accessToken);
    expect((await client.get('/auth/me')).body).toMatchObject({ kind: 'user', name: 'jane@school.k12.us', role: 'user', grants: [] });
    // A mailbox owner administers nothing.
    expect((await client.get('/domains')).status).toBe(403);
    expect((await client.get('/permissions')).body.items.every((p: { grantable: boolean }) => !p.grantable)).toBe(true);

    await createMailbox(api, 'sam@school.k12.us', 'sam-password-1', 'suspended');
    const sam = await api.anonymous.post('/auth/login', { username: 'sam@school.k12.us', password: 'sam-password-1' });
    expect(sam.status).toBe(401);
    expect(sam.body.detail).toContain('suspended');
    expect(await api.prisma.session.count({ where: { account: { address: 'sam@school.k12.us' } } })).toBe(0);
  });
});

describe('sign-in rate limiting', () => {
  let limited: TestApi;

  beforeAll(async () => {
    limited = await startTestApi({ loginFailuresPerUser: 3, loginFailuresPerAddress: 5 });
    await limited.staff.post('/admins', { username: 'victim', password: 'victim-password-1' });
    await limited.staff.post('/admins', { username: 'bystander', password: 'bystander-password-1' });
  });
  afterAll(() => limited?.close());

  it('answers 429 with Retry-After after repeated failures for one username, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await limited.anonymous.post('/auth/login', { username: 'victim', password: `guess-${i}-xxxxxxx` })).status).toBe(401);
    }
    const blocked = await limited.anonymous.post('/auth/login', { username: 'victim', password: 'victim-password-1' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('content-type')).toContain('application/problem+json');
    expect(blocked.body).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(blocked.body.detail).toMatch(/try again in \d+ seconds/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other users from the same address are not locked out by one user's limit.
    expect((await limited.anonymous.post('/auth/login', { username: 'bystander', password: 'bystander-password-1' })).status).toBe(200);
  });

  it('also limits one client address across usernames', async () => {
    // 3 failures were counted for this address above; two more reach its limit of 5.
    for (const username of ['guess-a', 'guess-b']) {
      expect((await limited.anonymous.post('/auth/login', { username, password: 'whatever-password' })).status).toBe(401);
    }
    const blocked = await limited.anonymous.post('/auth/login', { username: 'bystander', password: 'bystander-password-1' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('session lifetime', () => {
  it('refuses a token once its session has expired', async () => {
    const client = await api.login('staff', STAFF_PASSWORD);
    expect((await client.get('/auth/me')).status).toBe(200);
    const { hashToken } = await import('../../apps/api/src/auth/principals.js');
    await api.prisma.session.update({ where: { tokenHash: hashToken(client.token!) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await client.get('/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toContain('expired');
  });
});
