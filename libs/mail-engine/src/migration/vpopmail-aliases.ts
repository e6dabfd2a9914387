/**
 * qmail forwards as aliases: a domain's `.qmail-<name>` files (one delivery per line: an
 * address, `&address`, or a program `|...` / a mailbox path `/...` that this platform cannot
 * run) and the rows of vpopmail's `valias` table (alias, domain, valias_line).
 */
import { readCsv } from './csv.js';
import type { ParseIssue } from './vpopmail-account.js';

export interface AliasPlan {
  localPart: string;
  targets: string[];
  /** Where it came from, for the report: `.qmail-sales` or `valias line 4`. */
  source: string;
}

export interface ParsedAliases {
  aliases: AliasPlan[];
  issues: Array<ParseIssue & { source: string }>;
}

/** One delivery instruction of a .qmail file or valias_line, as a target address or a reason it is none. */
function deliveryTarget(instruction: string): { address: string } | { skip: string } | null {
  const text = instruction.trim();
  if (text === '' || text.startsWith('#')) return null;
  if (text.startsWith('|')) return { skip: `runs a program (${text.slice(0, 60)}), which cannot be migrated` };
  if (text.startsWith('/') || text.startsWith('.')) return { skip: `delivers to a mailbox path (${text}); import that Maildir instead` };
  const address = (text.startsWith('&') ? text.slice(1) : text).trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) return { skip: `"${text}" is not an address` };
  return { address };
}

/** `.qmail-sales` -> `sales`; qmail spells a dot in the local part as `:`, and `.qmail-default` is the catch-all. */
export function aliasNameOfQmailFile(fileName: string): string | null {
  const match = /^\.qmail-(.+)$/.exec(fileName.split('/').pop() ?? '');
  if (!match || match[1] === 'default') return null;
  return match[1]!.replaceAll(':', '.').toLowerCase();
}

export function parseQmailFiles(files: ReadonlyArray<{ name: string; content: string }>): ParsedAliases {
  const result: ParsedAliases = { aliases: [], issues: [] };
  for (const file of files) {
    const localPart = aliasNameOfQmailFile(file.name);
    if (!localPart) {
      result.issues.push({ source: file.name, line: 0, message: 'is not a .qmail-<name> forward file (.qmail-default, the catch-all, is not migrated)' });
      continue;
    }
    const targets: string[] = [];
    file.content.split(/\r?\n/).forEach((text, index) => {
      const target = deliveryTarget(text);
      if (target === null) return;
      if ('skip' in target) result.issues.push({ source: file.name, line: index + 1, message: target.skip });
      else if (!targets.includes(target.address)) targets.push(target.address);
    });
    if (targets.length > 0) result.aliases.push({ localPart, targets, source: file.name });
  }
  return result;
}

/**
 * A CSV export of `valias` (header alias,domain,valias_line); the rows of one alias gather
 * into one alias with several targets. Rows of another domain than `domain` are reported.
 */
export function parseValiasCsv(content: string, domain: string): ParsedAliases {
  const result: ParsedAliases = { aliases: [], issues: [] };
  const [header, ...rows] = readCsv(content);
  if (!header) return result;
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const [aliasAt, domainAt, lineAt] = ['alias', 'domain', 'valias_line'].map((name) => columns.indexOf(name));
  if (aliasAt! < 0 || lineAt! < 0) {
    result.issues.push({ source: 'valias', line: header.line, message: `header needs alias and valias_line; found ${columns.join(', ')}` });
    return result;
  }
  const byName = new Map<string, AliasPlan>();
  for (const { line, fields } of rows) {
    const rowDomain = domainAt! >= 0 ? (fields[domainAt!] ?? '').trim().toLowerCase() : domain;
    if (rowDomain !== '' && rowDomain !== domain) {
      result.issues.push({ source: 'valias', line, message: `belongs to ${rowDomain}, not ${domain}` });
      continue;
    }
    const localPart = (fields[aliasAt!] ?? '').trim().toLowerCase();
    const target = deliveryTarget(fields[lineAt!] ?? '');
    if (localPart === '' || target === null) continue;
    if ('skip' in target) {
      result.issues.push({ source: 'valias', line, message: target.skip });
      continue;
    }
    const plan = byName.get(localPart) ?? { localPart, targets: [], source: `valias line ${line}` };
    if (!plan.targets.includes(target.address)) plan.targets.push(target.address);
    byName.set(localPart, plan);
  }
  result.aliases.push(...byName.values());
  return result;
}
