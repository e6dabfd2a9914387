import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { domainName } from '../common/validation.js';
import { pageQuery } from '../common/pagination.js';

/** `host:port` where host is a domain name, an IPv4 address or a bracketed IPv6 address. */
export const nextHop = z
  .string()
  .trim()
  .min(1, 'is required')
  .transform((raw, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
    if (!match) return fail('must be host:port, e.g. smtp.example.org:25, 192.0.2.10:2525 or [2001:db8::1]:25');
    const port = Number(match[3]);
    if (port < 1 || port > 65535) return fail('port must be between 1 and 65535');
    if (match[1] !== undefined) return isIPv6(match[1]) ? `[${match[1].toLowerCase()}]:${port}` : fail(`"${match[1]}" is not an IPv6 address`);
    const host = match[2]!;
    if (isIPv4(host)) return `${host}:${port}`;
    const name = domainName.safeParse(host);
    if (!name.success) return fail(`host ${name.error.issues[0]?.message ?? 'is not a valid host name'}`);
    return `${name.data}:${port}`;
  });

export const createTransportInput = z.object({ domain: domainName, nextHop }).strict();

export const listTransportsQuery = pageQuery;
