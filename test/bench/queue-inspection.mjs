// Issue 3 benchmark: queue inspection with 1,000,000 queue entries. Loads the entries with
// one INSERT ... SELECT FROM generate_series into a fresh server's database, then measures
// filtered GET /api/v1/queue pages (p50/p95 over 100 requests) for staff and for a
// postmaster whose subtree holds a tenth of the queue. Goal: p95 < 100 ms.
// Needs a build (`npm run build`); run with `npm run bench -- queue-inspection`.
import pg from 'pg';
import { fmt, login, percentile, startServer, timeIt } from './lib.mjs';

const TOTAL = Number(process.env.BENCH_QUEUE_ENTRIES ?? 1_000_000);
const PER_MESSAGE = 100;
const DOMAINS = 10;
const pgPort = 50001 + Math.floor(Math.random() * 10000);

// HTTP only: no queue workers touching the entries while they are measured.
const server = await startServer({ SCHOOLMAIL_ROLE: 'api', SCHOOLMAIL_PG_PORT: String(pgPort) });
const { staff } = server;
const db = new pg.Client({ connectionString: `postgresql://schoolmail:schoolmail@127.0.0.1:${pgPort}/schoolmail` });
await db.connect();
try {
  console.log(`# queue inspection benchmark: ${fmt(TOTAL)} queue entries`);
  for (let i = 0; i < DOMAINS; i++) await staff.post('/domains', { name: `d${i}.bench.k12.us` });
  await staff.post('/admins', { username: 'pmbench', password: 'bench-password-12' }).then((admin) =>
    staff.post(`/admins/${admin.id}/assignments`, { role: 'postmaster', domain: 'd1.bench.k12.us' }),
  );
  const postmaster = await login(server.base, 'pmbench', 'bench-password-12');

  const loadTime = await timeIt(async () => {
    const unit = await db.query(`INSERT INTO "StorageUnit" (name, directory, "capacityBytes", "updatedAt") VALUES ('bench', '/nonexistent/bench', 1000000000000, now()) RETURNING id`);
    const blob = await db.query(`INSERT INTO "MessageBlob" (sha256, size, "storageUnitId") VALUES (repeat('0', 64), 4096, $1) RETURNING id`, [unit.rows[0].id]);
    const messages = Math.ceil(TOTAL / PER_MESSAGE);
    // Message m: sender user<m % 5000>@d<m % 10>, whose domain path scopes its entries.
    await db.query(
      `WITH d AS (SELECT array_agg(name ORDER BY name) AS names, array_agg(path ORDER BY name) AS paths FROM "Domain" WHERE name LIKE 'd_.bench.k12.us')
       INSERT INTO "OutboundMessage" (id, "blobId", sender, size, "senderDomainPath", "createdAt")
       SELECT 'BENCH' || lpad(m::text, 8, '0'), $1, 'user' || (m % 5000) || '@' || d.names[1 + m % ${DOMAINS}], 4096, d.paths[1 + m % ${DOMAINS}], now()
       FROM generate_series(1, $2::int) m, d`,
      [blob.rows[0].id, messages],
    );
    await db.query(
      `WITH d AS (SELECT array_agg(name ORDER BY name) AS names, array_agg(path ORDER BY name) AS paths FROM "Domain" WHERE name LIKE 'd_.bench.k12.us')
       INSERT INTO "QueueEntry" ("messageId", recipient, "remoteDomain", sender, size, state, attempts, "nextAttemptAt", "lastAttemptAt", "lastError", "expiresAt", "senderDomainPath", "createdAt")
       SELECT 'BENCH' || lpad(m::text, 8, '0'), 'rcpt' || g || '@r' || (g % 1000) || '.remote.test', 'r' || (g % 1000) || '.remote.test',
         'user' || (m % 5000) || '@' || d.names[1 + m % ${DOMAINS}], 1000 + (g::bigint * 7919) % 5000000,
         (ARRAY['queued', 'deferred', 'held', 'deferred'])[1 + g % 4]::"QueueState", CASE WHEN g % 4 = 0 THEN 0 ELSE g % 10 END,
         now() + interval '1 day', CASE WHEN g % 4 = 0 THEN NULL ELSE now() END, CASE WHEN g % 4 = 0 THEN NULL ELSE '451 4.7.1 try again later' END,
         now() + interval '5 days', d.paths[1 + m % ${DOMAINS}], now() - (g % 10080) * interval '1 minute'
       FROM (SELECT g, (g - 1) / ${PER_MESSAGE} + 1 AS m FROM generate_series(1, $1::int) g) s, d`,
      [TOTAL],
    );
    // As after a day of traffic: hint bits set, visibility map and statistics current (no autovacuum mid-measurement).
    await db.query('VACUUM (ANALYZE) "QueueEntry"');
    await db.query('VACUUM (ANALYZE) "OutboundMessage"');
  });
  console.log(`loaded ${fmt(TOTAL)} entries in ${fmt(loadTime / 1000, 1)} s`);

  async function latencies(label, who, path, samples = 100) {
    await who.get(path);
    const times = [];
    let items = 0;
    for (let i = 0; i < samples; i++) times.push(await timeIt(async () => (items = (await who.get(path)).items.length)));
    console.log(`${label.padEnd(62)} ${String(items).padStart(3)} items  p50 ${fmt(percentile(times, 50), 2).padStart(6)} ms  p95 ${fmt(percentile(times, 95), 2).padStart(6)} ms`);
    return percentile(times, 95);
  }
  let cursor = null;
  for (let p = 1; p < 20; p++) cursor = (await staff.get(`/queue?limit=50&state=deferred${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
  const p95s = [
    await latencies('staff, no filter, page 1', staff, '/queue?limit=50'),
    await latencies('staff, state=deferred, page 20', staff, `/queue?limit=50&state=deferred&cursor=${cursor}`),
    await latencies('staff, remoteDomain (1,000 entries)', staff, '/queue?limit=50&remoteDomain=r17.remote.test'),
    await latencies('staff, sender (200 entries)', staff, '/queue?limit=50&sender=user42@d2.bench.k12.us'),
    await latencies('staff, recipient (1 entry)', staff, '/queue?limit=50&recipient=rcpt4242@r242.remote.test'),
    await latencies('staff, minAttempts=5 & maxSize=100000', staff, '/queue?limit=50&minAttempts=5&maxSize=100000'),
    await latencies('staff, olderThan=6d & state=held', staff, '/queue?limit=50&olderThan=6d&state=held'),
    await latencies('postmaster (10% of the queue), no filter', postmaster, '/queue?limit=50'),
    await latencies('postmaster, state=held & remoteDomain', postmaster, '/queue?limit=50&state=held&remoteDomain=r2.remote.test'),
    await latencies('postmaster, newerThan=1h', postmaster, '/queue?limit=50&newerThan=1h'),
  ];
  console.log(`worst p95 ${fmt(Math.max(...p95s), 2)} ms (goal < 100 ms)`);
} finally {
  await db.end();
  await server.stop();
}
