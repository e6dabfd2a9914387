/**
 * vpopmail's per-domain `vpasswd` file: one mailbox per line,
 * `name:crypted:uid:gid:gecos:dir:quota[:clear]` (uid/gid are vpopmail's flags, dir its
 * Maildir path, quota as in parseVpopmailQuota, clear the optional clear-text copy).
 */
import { disabledServicesOf, legacyHashOf, parseVpopmailQuota, type ParsedAccounts } from './vpopmail-account.js';

export function parseVpasswd(content: string): ParsedAccounts {
  const result: ParsedAccounts = { accounts: [], issues: [] };
  const lines = content.split(/\r?\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '' || text.startsWith('#')) return;
    const fields = text.split(':');
    if (fields.length < 7) {
      result.issues.push({ line, message: `has ${fields.length} fields; a vpasswd line has 7 or 8 (name:crypted:uid:gid:gecos:dir:quota[:clear])` });
      return;
    }
    const [name, crypted, , gid, gecos, , quotaText] = fields as [string, string, string, string, string, string, string];
    // A clear-text password may itself contain colons.
    const clear = fields.length > 7 ? fields.slice(7).join(':') : '';
    const quota = parseVpopmailQuota(quotaText);
    if ('error' in quota) {
      result.issues.push({ line, message: quota.error });
      return;
    }
    result.accounts.push({
      line,
      localPart: name.trim(),
      domain: null,
      passwordHash: legacyHashOf(crypted),
      clearPassword: clear === '' ? null : clear,
      displayName: gecos.trim() === '' ? null : gecos.trim(),
      quotaBytes: quota.bytes,
      disabledServices: disabledServicesOf(gid),
    });
  });
  return result;
}
