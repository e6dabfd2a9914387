import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { createTestDatabase } from '../../../../test/support/database.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/support/smtp-sink.js';
import { deliverMessage } from './smtp-client.js';
import { NextHopResolver, parseNextHop, RoutingError } from './transport.js';

const dnsError = (code: string) => Object.assign(new Error(code), { code });

/** DNS answers for the resolver under test (real DNS is not reachable from the test machines). */
function zone(records: Record<string, { mx?: Array<{ exchange: string; priority: number }> | string; a?: string[] }>) {
  return {
    resolveMx: async (name: string) => {
      const entry = records[name];
      if (!entry) throw dnsError('ENOTFOUND');
      if (typeof entry.mx === 'string') throw dnsError(entry.mx);
      if (!entry.mx) throw dnsError('ENODATA');
      return entry.mx;
    },
    resolve4: async (name: string) => records[name]?.a ?? [],
    resolve6: async () => [] as string[],
  };
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sink: SmtpSink;
beforeAll(async () => {
  db = await createTestDatabase();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
  await db?.drop();
});

describe('next hop', () => {
  it('parses host:port, [ipv6]:port and a bare host', () => {
    expect(parseNextHop('127.0.0.1:2525')).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(parseNextHop('[2001:db8::1]:25')).toEqual({ host: '2001:db8::1', port: 25 });
    expect(parseNextHop('relay.example.net')).toEqual({ host: 'relay.example.net', port: 25 });
    expect(parseNextHop('relay.example.net:0')).toBeNull();
    expect(parseNextHop('relay.example.net:70000')).toBeNull();
  });

  it('prefers a transport override, then MX by preference, then the address records (implicit MX)', async () => {
    const resolver = new NextHopResolver(db.prisma, zone({
      'mx.test': { mx: [{ exchange: 'b.mx.test', priority: 20 }, { exchange: 'a.mx.test.', priority: 10 }] },
      'implicit.test': { a: ['192.0.2.1'] },
      'nullmx.test': { mx: [{ exchange: '', priority: 0 }] },
      'empty.test': {},
      'flaky.test': { mx: 'ESERVFAIL' },
    }));
    await db.prisma.transport.create({ data: { domain: 'mx.test', nextHop: '127.0.0.1:2626' } });
    expect(await resolver.resolve('mx.test')).toEqual([{ host: '127.0.0.1', port: 2626 }]);
    await db.prisma.transport.delete({ where: { domain: 'mx.test' } });
    const fresh = new NextHopResolver(db.prisma, zone({ 'mx.test': { mx: [{ exchange: 'b.mx.test', priority: 20 }, { exchange: 'a.mx.test.', priority: 10 }] } }));
    expect(await fresh.resolve('mx.test')).toEqual([{ host: 'a.mx.test', port: 25 }, { host: 'b.mx.test', port: 25 }]);
    expect(await resolver.resolve('implicit.test')).toEqual([{ host: 'implicit.test', port: 25 }]);
    const failure = async (domain: string) => resolver.resolve(domain).then(() => null, (e: RoutingError) => [e.permanent, e.status]);
    expect(await failure('nullmx.test')).toEqual([true, '5.1.10']);
    expect(await failure('empty.test')).toEqual([true, '5.1.2']);
    expect(await failure('nowhere.test')).toEqual([true, '5.1.2']);
    expect(await failure('flaky.test')).toEqual([false, '4.4.3']);
  });
});

describe('SMTP client', () => {
  const options = { hostname: 'mx.schoolmail.test', connectTimeoutMs: 2000, socketTimeoutMs: 5000 };
  const message = Buffer.from('Subject: hop\r\n\r\nHi\r\n');

  it('moves to the next host when one cannot be reached', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const report = await deliverMessage([{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: sink.port }], 'a@school.test', ['x@remote.test'], message, options);
    expect(report.results).toMatchObject([{ recipient: 'x@remote.test', outcome: 'delivered', code: 250 }]);
    expect(sink.received.at(-1)!.to).toEqual(['x@remote.test']);
  });

  it('reports every recipient as a temporary failure when no host answers', async () => {
    const report = await deliverMessage([{ host: '127.0.0.1', port: 1 }], 'a@school.test', ['x@remote.test', 'y@remote.test'], message, options);
    expect(report.remoteMta).toBeNull();
    expect(report.results.map((r) => [r.outcome, r.code])).toEqual([['temporary', null], ['temporary', null]]);
    expect(report.results[0]!.response).toContain('could not connect');
  });

  it('answers per recipient: 550 is permanent, 451 temporary, and uses the null sender for <>', async () => {
    sink.setMode('reject');
    const rejected = await deliverMessage([{ host: '127.0.0.1', port: sink.port }], '', ['x@remote.test'], message, options);
    expect(rejected.results).toMatchObject([{ outcome: 'permanent', code: 550 }]);
    expect(rejected.results[0]!.response).toContain('5.1.1');
    expect(sink.attempts.at(-1)!.from).toBe('');
    sink.setMode('tempfail');
    const deferred = await deliverMessage([{ host: '127.0.0.1', port: sink.port }], 'a@school.test', ['x@remote.test'], message, options);
    expect(deferred.results).toMatchObject([{ outcome: 'temporary', code: 451 }]);
    sink.setMode('accept');
  });
});
