import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PagePolicies } from './content-security-policy.js';

/**
 * Serves the console's static export (apps/console/out, made by `next build`) from the API
 * process, so the console and the API share one origin: cookies can be SameSite=Strict and
 * no cross-origin rules are needed. Everything under /api and /graphql goes on to Nest.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
};

// Next puts a content hash in every file name under /_next/static: they never change.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface Request {
  method?: string;
  path: string;
}
interface Response {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(): unknown;
}
type Next = () => void;

export function consoleDirectory(env: NodeJS.ProcessEnv = process.env) {
  return resolve(env.SCHOOLMAIL_CONSOLE_DIR ?? 'apps/console/out');
}

function isApiPath(path: string) {
  return path === '/graphql' || path.startsWith('/graphql/') || path === '/api' || path.startsWith('/api/');
}

/** The file for a URL path: the file itself, `<path>.html`, or `<path>/index.html`. */
function fileFor(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const base = join(root, relative);
  if (base !== root && !base.startsWith(root + sep)) return null;
  for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Express middleware; null when the console has not been built (the API still runs). */
export function consoleSite(root: string) {
  if (!existsSync(join(root, 'index.html'))) return null;
  const notFoundPage = join(root, '404.html');
  const policies = new PagePolicies();
  return (request: Request, response: Response, next: Next) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isApiPath(request.path)) return next();
    const file = fileFor(root, request.path);
    const served = file ?? (existsSync(notFoundPage) ? notFoundPage : null);
    if (!served) return next();
    response.statusCode = file ? 200 : 404;
    response.setHeader('Content-Type', CONTENT_TYPES[extname(served)] ?? 'application/octet-stream');
    response.setHeader('Cache-Control', request.path.startsWith('/_next/static/') ? IMMUTABLE : REVALIDATE);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('X-Frame-Options', 'DENY');
    if (extname(served) === '.html') response.setHeader('Content-Security-Policy', policies.of(served));
    if (request.method === 'HEAD') return response.end();
    createReadStream(served).pipe(response as unknown as NodeJS.WritableStream);
  };
}
