/**
 * `schoolmail webhook` and `schoolmail job` against a running API: a webhook managed end to end,
 * and an import job followed to its end with `job watch`, its error report fetched as CSV.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { buildCli, cliFor } from './cli-runner.js';

vi.setConfig({ testTimeout: 180_000 });

let api: TestApi;
let people: Districts;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  buildCli();
  api = await startTestApi();
  people = await seedDistricts(api);
  const key = await people.staff.post('/api-keys', { name: 'cli staff', role: 'staff' });
  cli = cliFor(api.baseUrl, key.body.secret);
});
afterAll(() => api?.close());

describe('schoolmail webhook', () => {
  it('adds (secret shown once), lists, pauses, shows the delivery log and removes a webhook', async () => {
    const added = await cli('webhook', 'add', 'https://cms.example/hooks', '--event', 'account.*', '--event', 'domain.deleted', '--json');
    expect(added.code).toBe(0);
    const created = JSON.parse(added.stdout);
    expect(created.secret).toEqual(expect.any(String));
    expect(created.events).toEqual(['account.*', 'domain.deleted']);

    const listed = await cli('webhook', 'list');
    expect(listed.stdout).toMatch(/^ID\s+URL\s+EVENTS\s+DOMAIN\s+ACTIVE$/m);
    expect(listed.stdout).toContain('https://cms.example/hooks');
    expect(listed.stdout).not.toContain(created.secret);

    expect((await cli('webhook', 'set', String(created.id), '--active', 'off')).code).toBe(0);
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id: created.id } })).active).toBe(false);

    const deliveries = await cli('webhook', 'deliveries', String(created.id), '--json');
    expect(JSON.parse(deliveries.stdout).items).toEqual([]);

    expect((await cli('webhook', 'rm', String(created.id))).code).toBe(0);
    expect((await cli('webhook', 'show', String(created.id))).code).toBe(2);
    expect((await cli('webhook', 'add', 'ftp://cms.example/x', '--event', 'account.created')).code).toBe(1);
  });
});

describe('schoolmail job', () => {
  it('follows an import to its end and gives its error report as CSV', async () => {
    const csv = ['address,password', 'newkid@west.district1.k12.us,correct-horse-battery-1', 'not-an-address,correct-horse-battery-2'].join('\n');
    const started = await people.staff.post('/accounts/imports', { csv });
    expect(started.status).toBe(202);
    const id = started.body.id as string;

    const watched = await cli('job', 'watch', id);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`job ${id} succeeded: 1 ok, 1 failed`);
    expect(watched.stderr).toMatch(/\[#+\] 100% 2\/2/);

    const report = await cli('job', 'report', id, '--csv');
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('not-an-address');

    const listed = await cli('job', 'list', '--status', 'succeeded');
    expect(listed.stdout).toContain(id);
    expect((await cli('job', 'show', '00000000-0000-0000-0000-000000000000')).code).toBe(2);
  });
});
