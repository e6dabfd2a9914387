import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretKey, SealedSecrets } from '@schoolmail/mail-engine';
import { createHttpApp } from '../../apps/api/src/http-app.js';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { MAILBOX_PASSWORD, preHashed } from '../support/accounts.js';

process.env.SCHOOLMAIL_JOB_POLL_MS = '100';

let api: TestApi;
let people: Districts;
let hash: string;

const WEST = 'west.district1.k12.us';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  hash = await preHashed();
});
afterAll(() => api?.close());

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const job = (client: ApiClient, id: string) => client.get(`/jobs/${id}`).then((r) => r.body);
const isDone = (body: { status: string }) => !['queued', 'running'].includes(body.status);

function csvOf(prefix: string, count: number, password = false) {
  const lines = ['address,password,passwordHash'];
  for (let i = 0; i < count; i++) lines.push(`${prefix}${i}@${WEST},${password ? MAILBOX_PASSWORD : ''},${password ? '' : hash}`);
  return lines.join('\n');
}

describe('jobs', () => {
  it("lists the jobs of my scope only, and answers 404 for another district's job (REST and GraphQL)", async () => {
    const started = await people.postmaster1.post('/accounts/imports', { csv: csvOf('scoped', 3) });
    expect(started.status).toBe(202);
    const id: string = started.body.id;
    await until(() => job(people.postmaster1, id), isDone);

    expect((await people.postmaster2.get(`/jobs/${id}`)).status).toBe(404);
    expect((await people.postmaster2.get(`/jobs/${id}/report`)).status).toBe(404);
    expect((await people.postmaster2.get(`/jobs/${id}/report.csv`)).status).toBe(404);
    expect((await people.postmaster2.post(`/jobs/${id}/cancel`)).status).toBe(404);
    expect((await people.postmaster2.get('/jobs/not-a-job-id')).status).toBe(404);
    expect((await people.postmaster2.get('/jobs')).body.items).toEqual([]);
    const gqlOther = await people.postmaster2.graphql(`{ job(id: "${id}") { id } }`);
    expect(gqlOther.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    // The sub-domain admin's scope holds the accounts but not the district-level job.
    expect((await people.westAdmin.get(`/jobs/${id}`)).status).toBe(404);
    const mine = await people.postmaster1.get('/jobs?kind=account-import');
    expect(mine.body.items.map((j: { id: string }) => j.id)).toContain(id);
    expect((await people.staff.get(`/jobs/${id}`)).body).toMatchObject({ id, status: 'succeeded', succeeded: 3, percent: 100 });
    const gql = await people.postmaster1.graphql(`{ job(id: "${id}") { id status percent processed total } jobReport(id: "${id}") { omitted summary rows { row } } }`);
    expect(gql.data).toEqual({ job: { id, status: 'succeeded', percent: 100, processed: 3, total: 3 }, jobReport: { omitted: 0, summary: { dryRun: false, created: 3, failed: 0, rows: 3 }, rows: [] } });
    // Finished jobs cannot be cancelled.
    expect((await people.postmaster1.post(`/jobs/${id}/cancel`)).status).toBe(409);
  });

  it('cancels a running import: it stops between chunks and stays cancelled', async () => {
    const rows = 1500;
    const started = await people.postmaster1.post('/accounts/imports', { csv: csvOf('cancel', rows, true) });
    const id: string = started.body.id;
    await until(() => job(people.postmaster1, id), (body) => body.status === 'running' && body.processed > 0);
    const cancelled = await people.postmaster1.graphql(`mutation { cancelJob(id: "${id}") { status } }`);
    expect(cancelled.data.cancelJob.status).toBe('cancelled');
    // The chunk under way may finish; then nothing more happens.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const after = await job(people.postmaster1, id);
    expect(after.status).toBe('cancelled');
    expect(after.processed).toBeLessThan(rows);
    expect(after.finishedAt).toEqual(expect.any(String));
    const created = await api.prisma.account.count({ where: { address: { startsWith: 'cancel' } } });
    expect(created).toBe(after.succeeded);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await api.prisma.account.count({ where: { address: { startsWith: 'cancel' } } })).toBe(created);
    const audit = await people.staff.get('/audit-events?action=job.cancel');
    expect(audit.body.items[0]).toMatchObject({ actorName: 'pm1', subjectId: id });
  });

  it('resumes a job whose process died (stale heartbeat) from its checkpoint', async () => {
    const pm1 = await api.prisma.admin.findUniqueOrThrow({ where: { username: 'pm1' } });
    const district = await api.prisma.domain.findUniqueOrThrow({ where: { name: 'district1.k12.us' } });
    const sealed = new SealedSecrets(loadSecretKey(api.config.dataDir)).seal(csvOf('resumed', 600));
    // As a process that stopped after the first 250 rows left it: running, heartbeat long gone.
    const id = '00000000-0000-4000-8000-000000000001';
    await api.prisma.job.create({
      data: {
        id,
        kind: 'account-import',
        status: 'running',
        domainId: district.id,
        createdBy: 'pm1',
        params: { csvSealed: sealed, actor: { kind: 'admin', id: pm1.id, interface: 'rest', clientIp: null } },
        total: 600,
        processed: 250,
        succeeded: 249,
        failed: 1,
        checkpoint: { next: 250 },
        report: { rows: [{ row: 7, key: `resumed5@${WEST}`, status: 'error', field: 'address', reason: 'from the first run' }], omitted: 0 },
        heartbeatAt: new Date(Date.now() - 10 * 60_000),
        startedAt: new Date(Date.now() - 11 * 60_000),
      },
    });
    const done = await until(() => job(people.postmaster1, id), isDone);
    expect(done).toMatchObject({ status: 'succeeded', total: 600, processed: 600, succeeded: 599, failed: 1, percent: 100 });
    // Rows before the checkpoint were not done again; the rest were.
    expect(await api.prisma.account.count({ where: { address: { startsWith: 'resumed' } } })).toBe(350);
    expect(await api.prisma.account.count({ where: { address: `resumed249@${WEST}` } })).toBe(0);
    expect(await api.prisma.account.count({ where: { address: `resumed250@${WEST}` } })).toBe(1);
    const report = await people.postmaster1.get(`/jobs/${id}/report`);
    expect(report.body.rows).toEqual([{ row: 7, key: `resumed5@${WEST}`, status: 'error', field: 'address', reason: 'from the first run' }]);
    expect(report.body.summary).toMatchObject({ created: 599, failed: 1 });
    const csv = await people.postmaster1.get(`/jobs/${id}/report.csv`);
    expect(String(csv.body)).toBe('row,key,status,field,reason\r\n7,resumed5@west.district1.k12.us,error,address,from the first run\r\n');
  });

  it('puts a running job back in the queue when the API stops, and a new API process finishes it', async () => {
    const stopping = await startTestApi();
    try {
      const district = await seedDistricts(stopping);
      const rows = 120;
      const started = await district.postmaster1.post('/accounts/imports', { csv: csvOf('restart', rows, true) });
      await until(() => job(district.postmaster1, started.body.id), (body) => body.processed > 0);
      await stopping.app.close();
      const parked = await stopping.prisma.job.findUniqueOrThrow({ where: { id: started.body.id } });
      expect(parked.status).toBe('queued');
      expect(parked.processed).toBeGreaterThan(0);
      expect(parked.processed).toBeLessThan(rows);
      expect(parked.checkpoint).toEqual({ next: parked.processed });
      expect(await stopping.prisma.account.count({ where: { address: { startsWith: 'restart' } } })).toBe(parked.succeeded);

      const second = await createHttpApp(stopping.config, stopping.prisma, { logLevels: ['error'] });
      await second.listen(0, '127.0.0.1');
      try {
        const done = await until(() => stopping.prisma.job.findUniqueOrThrow({ where: { id: started.body.id } }), (row) => row.status === 'succeeded');
        expect(done).toMatchObject({ processed: rows, succeeded: rows, failed: 0 });
        expect(await stopping.prisma.account.count({ where: { address: { startsWith: 'restart' } } })).toBe(rows);
      } finally {
        await second.close();
      }
    } finally {
      await stopping.close();
    }
  });

  it('does not resume a job for an administrator who has since been disabled', async () => {
    const admin = await api.prisma.admin.create({ data: { username: 'gone', passwordHash: hash, disabled: true } });
    const id = '00000000-0000-4000-8000-000000000002';
    await api.prisma.job.create({
      data: {
        id,
        kind: 'account-import',
        createdBy: 'gone',
        params: { csvSealed: new SealedSecrets(loadSecretKey(api.config.dataDir)).seal(csvOf('ghost', 2)), actor: { kind: 'admin', id: admin.id, interface: 'rest', clientIp: null } },
      },
    });
    const done = await until(() => job(people.staff, id), isDone);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('no longer exists or is disabled');
    expect(await api.prisma.account.count({ where: { address: { startsWith: 'ghost' } } })).toBe(0);
  });

  it('neutralises spreadsheet formulas in the CSV error report', async () => {
    // "=" is a valid character of a local part, so an address can look like a formula.
    const started = await people.postmaster1.post('/accounts/imports', { csv: `address,password\n=1+2@${WEST},short\n` });
    await until(() => job(people.postmaster1, started.body.id), isDone);
    const csv = String((await people.postmaster1.get(`/jobs/${started.body.id}/report.csv`)).body);
    expect(csv.split('\r\n')[1]).toBe(`2,'=1+2@${WEST},error,password,must have at least 10 characters`);
  });
});
