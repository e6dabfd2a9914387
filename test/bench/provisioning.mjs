// Issue 2 benchmarks: bulk provisioning rate, scoped listing latency, and the cost of the
// authorization check. Needs a build (`npm run build`); run with `npm run bench -- provisioning`.
//
// Layout: 100 domains with 200,000 accounts in all: d1 holds 10,000 accounts, a sub-domain of
// d0 holds 2,000 (a sub-domain admin's view), the rest share the remainder.
import { client, fmt, login, percentile, startServer, throughput, timeIt } from './lib.mjs';

const TOTAL = Number(process.env.BENCH_ACCOUNTS ?? 200_000);
const DOMAINS = 100;
const BATCH = 10_000;
const HASH = '{SCRYPT}$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$3qf6k3bW9xqWmB0uXy0W1k5w3HkP9m7sYq2s1b2c3d4=';

const server = await startServer();
const { staff } = server;
try {
  console.log(`# provisioning benchmark: ${fmt(TOTAL)} accounts across ${DOMAINS} domains`);
  for (let d = 0; d < DOMAINS; d++) await staff.post('/domains', { name: `d${d}.bench.k12.us` });
  await staff.post('/domains', { name: 'sub.d0.bench.k12.us', parent: 'd0.bench.k12.us' });

  const plan = [{ domain: 'sub.d0.bench.k12.us', count: 2_000 }, { domain: 'd1.bench.k12.us', count: 10_000 }];
  const rest = TOTAL - 12_000;
  for (let d = 2; d < DOMAINS; d++) plan.push({ domain: `d${d}.bench.k12.us`, count: Math.floor(rest / (DOMAINS - 2)) + (d - 2 < rest % (DOMAINS - 2) ? 1 : 0) });
  const batches = [];
  for (const { domain, count } of plan) {
    for (let start = 0; start < count; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) rows.push({ localPart: `user${i}`, passwordHash: HASH, displayName: `User ${i}` });
      batches.push({ domain, rows });
    }
  }
  let created = 0;
  const elapsed = await timeIt(async () => {
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          const result = await staff.post(`/domains/${batch.domain}/accounts/bulk`, { accounts: batch.rows });
          created += result.created;
        }
      }),
    );
  });
  console.log(`bulk provisioning: ${fmt(created)} accounts in ${fmt(elapsed / 1000, 2)} s = ${fmt(created / (elapsed / 1000), 0)} accounts/s (goal >= 5,000)`);

  await staff.post('/admins', { username: 'subadmin', password: 'bench-password-12' }).then((admin) =>
    staff.post(`/admins/${admin.id}/assignments`, { role: 'subdomain-admin', domain: 'sub.d0.bench.k12.us' }),
  );
  const subAdmin = await login(server.base, 'subadmin', 'bench-password-12');

  async function pageLatencies(who, path, pageNumber, samples = 100) {
    let cursor = null;
    for (let p = 1; p < pageNumber; p++) cursor = (await who.get(`${path}?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    const url = `${path}?limit=50${cursor ? `&cursor=${cursor}` : ''}`;
    const times = [];
    for (let i = 0; i < samples; i++) times.push(await timeIt(() => who.get(url)));
    return `p50 ${fmt(percentile(times, 50), 2)} ms, p95 ${fmt(percentile(times, 95), 2)} ms`;
  }
  console.log(`sub-domain admin, 2,000-account sub-domain, page 1 of 50:  ${await pageLatencies(subAdmin, '/domains/sub.d0.bench.k12.us/accounts', 1)}`);
  console.log(`sub-domain admin, 2,000-account sub-domain, page 20 of 50: ${await pageLatencies(subAdmin, '/domains/sub.d0.bench.k12.us/accounts', 20)}`);
  console.log(`staff, 10,000-account domain, page 1 of 50:               ${await pageLatencies(staff, '/domains/d1.bench.k12.us/accounts', 1)}`);
  console.log(`staff, 10,000-account domain, page 20 of 50:              ${await pageLatencies(staff, '/domains/d1.bench.k12.us/accounts', 20)}`);

  const health = await throughput(() => fetch(`${server.base}/api/health`).then((r) => r.text()));
  const staffRead = await throughput(() => staff.get('/accounts/user77@sub.d0.bench.k12.us'));
  const scopedRead = await throughput(() => subAdmin.get('/accounts/user77@sub.d0.bench.k12.us'));
  console.log(`GET /api/health (no authentication, floor):               ${fmt(health.perSecond, 0)} req/s, p95 ${fmt(health.p95, 2)} ms`);
  console.log(`GET /accounts/{address} as staff (unconditional ability):  ${fmt(staffRead.perSecond, 0)} req/s, p95 ${fmt(staffRead.p95, 2)} ms`);
  console.log(`GET /accounts/{address} as sub-domain admin (scoped):      ${fmt(scopedRead.perSecond, 0)} req/s, p95 ${fmt(scopedRead.p95, 2)} ms`);
  console.log(`scoped ability check cost vs unconditional: ${fmt((1 - scopedRead.perSecond / staffRead.perSecond) * 100, 1)} % fewer req/s`);
} finally {
  await server.stop();
}
