import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@schoolmail/mail-engine';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { createMailbox, MAILBOX_PASSWORD, preHashed } from '../support/accounts.js';

process.env.SCHOOLMAIL_JOB_POLL_MS = '100';

let api: TestApi;
let people: Districts;
let hash: string;

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  hash = await preHashed();
  const students = await people.staff.post('/classes-of-service', { name: 'students', mailboxQuotaMb: 500, maxMessageSizeKb: 10240, maxRecipients: 50 });
  if (students.status !== 201) throw new Error(JSON.stringify(students.body));
  await createMailbox(people.postmaster1, WEST, { localPart: 'taken' });
});
afterAll(() => api?.close());

async function finished(client: ApiClient, id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await client.get(`/jobs/${id}`);
    if (!['queued', 'running'].includes(job.body.status)) return job.body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const csvPost = (client: ApiClient, csv: string, query = '') => client.request('POST', `/api/v1/accounts/imports${query}`, csv, { 'content-type': 'text/csv' });

describe('CSV account import', () => {
  it('offers a template whose columns the import accepts', async () => {
    const template = await people.postmaster1.get('/accounts/imports/template.csv');
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(template.headers.get('content-disposition')).toContain('accounts-import-template.csv');
    const [header] = String(template.body).split('\r\n');
    expect(header).toBe('address,password,passwordHash,displayName,classOfService,quotaMb,status');
    const dry = await csvPost(people.staff, String(template.body), '?dryRun=true');
    expect(dry.status).toBe(202);
    const job = await finished(people.staff, dry.body.id);
    expect(job).toMatchObject({ status: 'succeeded', dryRun: true, total: 2, processed: 2, succeeded: 2, failed: 0 });
  });

  it('imports a large file as a job with visible progress, a per-row report and a CSV error report', async () => {
    const lines = ['Address,PASSWORDHASH,displayName,classOfService,quotaMb,status,password'];
    const rows = 3000;
    for (let i = 0; i < rows; i++) lines.push(`student${i}@${i % 2 ? WEST : EAST},${hash},"Student, ${i}",,,,`);
    // Bad rows among the good ones: row numbers are spreadsheet rows (the header is row 1).
    lines[10] = `not-an-address,${hash},,,,,`; // row 11
    lines[20] = `taken@${WEST},${hash},,,,,`; // row 21
    lines[30] = `student1@${WEST},${hash},,,,,`; // row 31: appears earlier (row 3)
    lines[40] = `nobody@district2.k12.us,${hash},,,,,`; // row 41: another district
    lines[50] = `cos@${WEST},${hash},,missing-class,,,`; // row 51
    lines[60] = `quota@${WEST},${hash},,students,250,,`; // row 61: the class gives 500
    lines[70] = `short@${WEST},,,,,,short`; // row 71
    lines[80] = `plain@${WEST},,,Students,500,Suspended,${MAILBOX_PASSWORD}`; // row 81: fine
    const started = Date.now();
    const response = await csvPost(people.postmaster1, lines.join('\n') + '\n');
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/api/v1/jobs/${response.body.id}`);
    expect(response.body).toMatchObject({ kind: 'account-import', status: 'queued', domain: 'district1.k12.us', total: rows, processed: 0, percent: 0, createdBy: 'pm1' });

    const seen: number[] = [];
    let job = response.body;
    while (['queued', 'running'].includes(job.status)) {
      job = (await people.postmaster1.get(`/jobs/${response.body.id}`)).body;
      if (job.status === 'running') seen.push(job.processed);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = Date.now() - started;
    expect(job).toMatchObject({ status: 'succeeded', total: rows, processed: rows, succeeded: rows - 7, failed: 7, skipped: 0, percent: 100 });
    expect(seen.some((processed) => processed > 0 && processed < rows), `progress seen: ${seen.join(',')}`).toBe(true);
    expect(await api.prisma.account.count({ where: { address: { startsWith: 'student' } } })).toBe(rows - 8);
    const plain = await people.postmaster1.get(`/accounts/plain@${WEST}`);
    expect(plain.body).toMatchObject({ status: 'suspended', classOfService: 'students' });
    // The plain password was hashed: it verifies against the stored hash.
    const plainRow = await api.prisma.account.findUniqueOrThrow({ where: { address: `plain@${WEST}` } });
    expect(await verifyPassword(MAILBOX_PASSWORD, plainRow.passwordHash)).toBe(true);
    expect((await people.postmaster1.get(`/accounts/student2@${EAST}`)).body.displayName).toBe('Student, 2');

    const report = await people.postmaster1.get(`/jobs/${response.body.id}/report`);
    expect(report.body.summary).toEqual({ dryRun: false, created: rows - 7, failed: 7, rows });
    // The file (with its passwords) is kept, sealed, only until the job is done.
    const stored = await api.prisma.job.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(stored.params).not.toHaveProperty('csvSealed');
    expect(JSON.stringify(stored)).not.toContain(MAILBOX_PASSWORD);
    expect(report.body.rows.map((r: { row: number; field: string }) => [r.row, r.field])).toEqual([
      [11, 'address'],
      [21, 'address'],
      [31, 'address'],
      [41, 'address'],
      [51, 'classOfService'],
      [61, 'quotaMb'],
      [71, 'password'],
    ]);
    const reasons = report.body.rows.map((r: { reason: string }) => r.reason);
    expect(reasons[0]).toContain('not a valid e-mail address');
    expect(reasons[1]).toContain(`taken@${WEST} is already used by`);
    expect(reasons[2]).toBe(`student1@${WEST} appears earlier in this file (row 3)`);
    expect(reasons[3]).toContain('does not exist or is not one you manage');
    expect(reasons[4]).toContain('missing-class');
    expect(reasons[5]).toContain('500 MB, not 250 MB');
    expect(reasons[6]).toContain('at least 10 characters');

    const csv = await people.postmaster1.get(`/jobs/${response.body.id}/report.csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvLines = String(csv.body).trim().split('\r\n');
    expect(csvLines[0]).toBe('row,key,status,field,reason');
    expect(csvLines).toHaveLength(8);
    expect(csvLines[2]).toMatch(new RegExp(`^21,taken@${WEST.replace(/\./g, '\\.')},error,address,`));
    console.log(`import of ${rows} rows took ${elapsed} ms (${Math.round(rows / (elapsed / 1000))} rows/s)`);
  });

  it('checks a file without writing anything on a dry run', async () => {
    const csv = `address,password\ndry1@${EAST},${MAILBOX_PASSWORD}\ndry1@${EAST},${MAILBOX_PASSWORD}\ntaken@${WEST},${MAILBOX_PASSWORD}\n`;
    const response = await people.postmaster1.post('/accounts/imports', { csv, dryRun: true });
    expect(response.status).toBe(202);
    const job = await finished(people.postmaster1, response.body.id);
    expect(job).toMatchObject({ status: 'succeeded', dryRun: true, succeeded: 1, failed: 2 });
    const report = await people.postmaster1.get(`/jobs/${response.body.id}/report`);
    expect(report.body.summary).toMatchObject({ dryRun: true, wouldCreate: 1 });
    expect(report.body.rows.map((r: { row: number; reason: string }) => [r.row, r.reason])).toEqual([
      [3, `dry1@${EAST} appears earlier in this file (row 2)`],
      [4, `taken@${WEST} is already used by an account`],
    ]);
    expect(await api.prisma.account.count({ where: { address: `dry1@${EAST}` } })).toBe(0);

    // The same through GraphQL.
    const gql = await people.postmaster1.graphql(`mutation Import($csv: String!) { importAccounts(csv: $csv, dryRun: true) { id kind dryRun total domain } }`, { csv });
    expect(gql.data.importAccounts).toMatchObject({ kind: 'account-import', dryRun: true, total: 3, domain: 'district1.k12.us' });
    expect(await finished(people.postmaster1, gql.data.importAccounts.id)).toMatchObject({ status: 'succeeded', succeeded: 1, failed: 2 });
  });

  it('refuses a malformed file at once, with a problem document naming the fault', async () => {
    const unknownColumn = await csvPost(people.postmaster1, 'address,pasword\na@b.k12.us,x\n');
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.detail).toContain('unknown column "pasword"');
    const noAddress = await csvPost(people.postmaster1, 'password\nsecret-1234\n');
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.detail).toContain('no "address" column');
    const broken = await csvPost(people.postmaster1, 'address,password\n"unterminated,x\n');
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].field).toBe('csv');
    const headerOnly = await people.postmaster1.post('/accounts/imports', { csv: 'address,password\n' });
    expect(headerOnly.status).toBe(400);
    const wrongType = await people.postmaster1.request('POST', '/api/v1/accounts/imports', 'address\n', { 'content-type': 'application/xml' });
    expect(wrongType.status).toBe(415);
    const otherDistrict = await people.postmaster1.post('/accounts/imports', { csv: 'address\nx@district2.k12.us\n', domain: 'district2.k12.us' });
    expect(otherDistrict.status).toBe(404);
    expect(await api.prisma.job.count({ where: { createdBy: 'pm1', dryRun: false, total: { lt: 10 } } })).toBe(0);
  });

  it('replays a retried upload with the same Idempotency-Key, and refuses the key for another file', async () => {
    const key = { 'content-type': 'text/csv', 'idempotency-key': 'upload-42' };
    const file = `address,password\nretry1@${WEST},${MAILBOX_PASSWORD}\n`;
    const first = await people.postmaster1.request('POST', '/api/v1/accounts/imports?dryRun=true', file, key);
    const retry = await people.postmaster1.request('POST', '/api/v1/accounts/imports?dryRun=true', file, key);
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    const other = await people.postmaster1.request('POST', '/api/v1/accounts/imports?dryRun=true', `address,password\nretry2@${WEST},${MAILBOX_PASSWORD}\n`, key);
    expect(other.status).toBe(422);
  });
});
