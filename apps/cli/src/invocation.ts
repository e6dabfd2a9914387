import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { resolveCredentials } from './config.js';
import { ApiClient, problemError, type Query } from './http.js';
import { table, type Column } from './output.js';

/** What a run of the CLI talks to; batch mode swaps stdout for its own result lines. */
export interface Environment {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Set while one line of a batch file runs. */
  batch?: { line: string; lineNumber: number };
}

export interface Page<T = any> {
  items: T[];
  nextCursor: string | null;
}

export interface PagingOptions {
  limit?: string;
  cursor?: string;
  all?: boolean;
}

/** Page size for --all: the API's maximum, so a long listing takes few requests. */
const ALL_PAGE_SIZE = 500;

/** One command's run: its global options, its API client, and where its output goes. */
export class Invocation {
  private client?: ApiClient;

  constructor(
    readonly environment: Environment,
    readonly globals: { url?: string; apiKey?: string; json?: boolean },
  ) {}

  get json() {
    return this.globals.json === true;
  }

  get api(): ApiClient {
    this.client ??= (() => {
      const credentials = resolveCredentials(this.globals, this.environment.env);
      return new ApiClient(credentials.url, credentials.apiKey);
    })();
    return this.client;
  }

  /** Standard output, which a batch run replaces by its one result line per command. */
  print(text: string) {
    if (!this.environment.batch && text) this.environment.stdout(text.endsWith('\n') ? text : text + '\n');
  }

  /** The API's JSON as is with --json, else the human rendering. */
  show(body: unknown, human: () => string) {
    this.print(this.json ? JSON.stringify(body, null, 2) : human());
  }

  /** A list: one page (--limit, --cursor) or every page (--all), printed as a table. */
  async list<Row>(route: string, query: Query, options: object, columns: Array<Column<Row>>) {
    const paging = options as PagingOptions;
    // The API validates --limit, like every other input.
    const limit = paging.all ? (paging.limit ?? ALL_PAGE_SIZE) : paging.limit;
    let page = await this.api.get<Page<Row>>(route, { ...query, limit, cursor: paging.cursor });
    if (paging.all) {
      const items = [...page.items];
      while (page.nextCursor) {
        page = await this.api.get<Page<Row>>(route, { ...query, limit, cursor: page.nextCursor });
        items.push(...page.items);
      }
      page = { items, nextCursor: null };
    }
    this.show(page, () => table(page.items, columns));
    if (!this.json && page.nextCursor && !this.environment.batch) {
      this.environment.stderr(`(more: --cursor ${page.nextCursor}, or --all)\n`);
    }
  }

  /**
   * A create. In batch mode it carries an Idempotency-Key derived from the line, so a re-run
   * replays the first answer; after the API forgot the key (24 h) a 409 whose existing
   * resource holds the same values the line asked for counts as done.
   */
  async create<T = any>(route: string, body: Record<string, unknown>, existing: () => Promise<unknown>): Promise<T> {
    const batch = this.environment.batch;
    const headers = batch ? { 'idempotency-key': batchKey(batch.line, batch.lineNumber) } : undefined;
    const response = await this.api.send<T>('POST', route, { body, headers });
    if (response.status < 400) return response.body;
    if (batch && response.status === 409) {
      const current = await existing().catch(() => undefined);
      if (current && sameContent(body, current)) return current as T;
    }
    throw problemError(response.status, response.body);
  }
}

/** The line and its position: the same line later in a file (after a removal) is a new create. */
export function batchKey(line: string, lineNumber: number) {
  return 'schoolmail-batch-' + createHash('sha256').update(`${lineNumber}\n${line}`).digest('hex').slice(0, 40);
}

/**
 * Whether a stored resource holds every value a create asked for. Members the representation
 * does not show (passwords, initial members) cannot differ visibly and are not compared.
 */
export function sameContent(asked: Record<string, unknown>, stored: unknown): boolean {
  if (!stored || typeof stored !== 'object') return false;
  const shown = stored as Record<string, unknown>;
  return Object.entries(asked).every(([key, value]) => {
    if (!(key in shown)) return true;
    return sameValue(value, shown[key]);
  });
}

function sameValue(asked: unknown, stored: unknown): boolean {
  if (Array.isArray(asked) && Array.isArray(stored)) {
    const sorted = (values: unknown[]) => JSON.stringify([...values].map(String).sort());
    return sorted(asked) === sorted(stored);
  }
  if (asked && typeof asked === 'object' && stored && typeof stored === 'object') return sameContent(asked as Record<string, unknown>, stored);
  return asked === stored;
}

/** The Invocation for a commander action: its last argument is the Command. */
export function invocationOf(environment: Environment, command: Command) {
  return new Invocation(environment, command.optsWithGlobals());
}
