/**
 * A CSV export of vpopmail's MySQL table (`vpopmail`, or one table per domain with
 * --disable-many-domains), with a header row naming the columns: pw_name, pw_domain,
 * pw_passwd, pw_gid, pw_gecos, pw_shell (the quota), pw_clear_passwd. Columns may come in
 * any order; pw_name and pw_passwd are required, the others optional.
 */
import { readCsv } from './csv.js';
import { disabledServicesOf, legacyHashOf, parseVpopmailQuota, type ParsedAccounts } from './vpopmail-account.js';

const REQUIRED = ['pw_name', 'pw_passwd'] as const;

export function parseVpopmailCsv(content: string): ParsedAccounts {
  const result: ParsedAccounts = { accounts: [], issues: [] };
  const [header, ...rows] = readCsv(content);
  if (!header) return { accounts: [], issues: [{ line: 1, message: 'is empty; expected a header row (pw_name,pw_domain,pw_passwd,...)' }] };
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    return { accounts: [], issues: [{ line: header.line, message: `header lacks ${missing.join(', ')}; found ${columns.join(', ')}` }] };
  }
  const at = (fields: string[], name: string) => {
    const index = columns.indexOf(name);
    return index < 0 ? '' : (fields[index] ?? '');
  };
  for (const { line, fields } of rows) {
    if (fields.length !== columns.length) {
      result.issues.push({ line, message: `has ${fields.length} fields; the header has ${columns.length}` });
      continue;
    }
    const quota = parseVpopmailQuota(at(fields, 'pw_shell'));
    if ('error' in quota) {
      result.issues.push({ line, message: quota.error });
      continue;
    }
    const domain = at(fields, 'pw_domain').trim().toLowerCase();
    const gecos = at(fields, 'pw_gecos').trim();
    const clear = at(fields, 'pw_clear_passwd');
    result.accounts.push({
      line,
      localPart: at(fields, 'pw_name').trim(),
      domain: domain === '' ? null : domain,
      passwordHash: legacyHashOf(at(fields, 'pw_passwd')),
      clearPassword: clear === '' ? null : clear,
      displayName: gecos === '' ? null : gecos,
      quotaBytes: quota.bytes,
      disabledServices: disabledServicesOf(at(fields, 'pw_gid')),
    });
  }
  return result;
}
