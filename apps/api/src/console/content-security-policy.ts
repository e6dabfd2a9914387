import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The Content-Security-Policy of a console page. Next's static export puts inline scripts in
 * every HTML file (the React Server Components payload, Mantine's colour-scheme script);
 * rather than allow every inline script ('unsafe-inline'), the policy lists the SHA-256 of
 * exactly those, so a script injected into a page does not run.
 *
 * Styles stay 'unsafe-inline': Mantine sets style attributes and writes <style> elements at
 * run time, which hashes cannot cover; a style cannot run code.
 */
const FIXED_DIRECTIVES = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

// Inline scripts only: a <script src=...> is covered by 'self'.
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/giu;

export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const match of html.matchAll(INLINE_SCRIPT)) {
    if (match[1]) hashes.add(`'sha256-${createHash('sha256').update(match[1], 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

export function policyFor(html: string): string {
  return [`script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trimEnd(), ...FIXED_DIRECTIVES].join('; ');
}

/** The policy of each HTML file, computed when the file is first served (again only if a new build replaced it). */
export class PagePolicies {
  private readonly byFile = new Map<string, { modified: number; policy: string }>();

  of(file: string): string {
    const modified = statSync(file).mtimeMs;
    const known = this.byFile.get(file);
    if (known && known.modified === modified) return known.policy;
    const policy = policyFor(readFileSync(file, 'utf8'));
    this.byFile.set(file, { modified, policy });
    return policy;
  }
}
