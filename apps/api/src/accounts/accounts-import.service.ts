import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { accessibleBy, probeAt } from '@schoolmail/rbac';
import { SealedSecrets } from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { mailAddress, parseInput } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { classOfServiceNamed } from '../classes-of-service/class-of-service.lookup.js';
import { refusalsAt, type AssignableClass } from '../classes-of-service/class-of-service.assignment.js';
import { ownerDomainFor } from '../webhooks/owner-scope.js';
import { JobsService } from '../jobs/jobs.service.js';
import { JobRunner, type JobContext } from '../jobs/job-runner.js';
import { AccountsBulkService } from './accounts-bulk.service.js';
import { createAccountInput } from './account.schemas.js';
import { addressIn } from './accounts.service.js';
import { alreadyUsedBy } from '../addresses/address-registry.js';
import { parseImportCsv, type ImportRow } from './accounts-import.csv.js';
import { startImportInput } from './accounts-import.schemas.js';

export const ACCOUNT_IMPORT_JOB = 'account-import';

/**
 * Rows per bulk call, so that progress shows every second or two: up to 250 rows, but
 * fewer when they carry plain passwords, each of which costs a deliberately slow hash.
 */
const CHUNK_ROWS = 250;
const PLAIN_PASSWORDS_PER_CHUNK = 20;

interface ImportParams {
  /** The file, sealed: it holds initial passwords. */
  csvSealed: string;
}

type ClassInfo = AssignableClass & { domainPath: string | null };

/** A row ready for a domain's bulk call, or already refused. */
interface PreparedRow {
  row: number;
  address: string | null;
  domain?: string;
  account?: Record<string, unknown>;
  error?: { field: string; reason: string };
}

interface DomainInfo {
  name: string;
  path: string;
  depth: number;
  id: number;
}

@Injectable()
export class AccountsImportService implements OnModuleInit {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
    private readonly bulk: AccountsBulkService,
    private readonly jobs: JobsService,
    private readonly runner: JobRunner,
  ) {}

  onModuleInit() {
    this.runner.registerJobKind(ACCOUNT_IMPORT_JOB, (ctx) => this.run(ctx));
  }

  /** Checks the file's shape now (400 at once for a bad header) and queues the import; answers the job. */
  async start(actor: Actor, rawInput: unknown) {
    const input = parseInput(startImportInput, rawInput);
    const rows = parseImportCsv(input.csv);
    const domain = await ownerDomainFor(this.prisma, actor, 'Job', input.domain);
    const params: ImportParams = { csvSealed: this.secrets.seal(input.csv) };
    return this.jobs.enqueue(actor, { kind: ACCOUNT_IMPORT_JOB, params: { ...params }, domain, dryRun: input.dryRun, total: rows.length });
  }

  private async run(ctx: JobContext) {
    const rows = parseImportCsv(this.secrets.open((ctx.job.params as ImportParams).csvSealed));
    ctx.setTotal(rows.length);
    const scope = ctx.job.domainId === null ? null : await this.prisma.domain.findUnique({ where: { id: ctx.job.domainId }, select: { name: true, path: true } });
    const classes = await this.classesNamed(ctx.actor, rows);
    let next = (ctx.checkpoint as { next?: number } | null)?.next ?? 0;
    // The first row of each address claims it; a resumed run remembers the rows it already did.
    const firstRowOf = new Map<string, number>();
    for (const r of rows.slice(0, next)) claimFirst(firstRowOf, r);
    while (next < rows.length && !ctx.signal.aborted) {
      const chunk = rows.slice(next, chunkEnd(rows, next, ctx.job.dryRun));
      const prepared = await this.prepare(ctx.actor, chunk, scope, classes, firstRowOf);
      const results = ctx.job.dryRun ? await this.check(ctx.actor, prepared, classes) : await this.create(ctx.actor, prepared);
      let failed = 0;
      for (const result of results) {
        if (!result.error) continue;
        failed += 1;
        ctx.reportRow({ row: result.row, key: result.address, status: 'error', field: result.error.field, reason: result.error.reason });
      }
      next += chunk.length;
      ctx.advance({ processed: chunk.length, succeeded: chunk.length - failed, failed }, { next });
      // The chunk is committed: save the checkpoint now so a resumed run starts after it.
      await ctx.save();
    }
    // The file holds passwords: keep it only while the job may still resume (it goes back to the queue at shutdown).
    if (ctx.signal.reason !== 'shutdown') await this.prisma.$executeRaw`UPDATE "Job" SET params = params - 'csvSealed' WHERE id = ${ctx.job.id}`;
    return { dryRun: ctx.job.dryRun, [ctx.job.dryRun ? 'wouldCreate' : 'created']: ctx.counts.succeeded, failed: ctx.counts.failed, rows: rows.length };
  }

  /** Per row: the address, its domain (visible, inside the job's scope), the quota check, the account fields. */
  private async prepare(actor: Actor, chunk: ImportRow[], scope: { name: string; path: string } | null, classes: ClassInfo[], firstRowOf: Map<string, number>): Promise<PreparedRow[]> {
    const parsed = chunk.map((r) => ({ r, address: mailAddress.safeParse(r.cells.address ?? '') }));
    const domainNames = [...new Set(parsed.flatMap(({ address }) => (address.success ? [address.data.split('@')[1]!] : [])))];
    const domains = await this.visibleDomains(actor, domainNames);
    return parsed.map(({ r, address }): PreparedRow => {
      const fail = (field: string, reason: string, known: string | null = null): PreparedRow => ({ row: r.row, address: known, error: { field, reason } });
      if (!address.success) return fail('address', r.cells.address ? `"${r.cells.address}" is not a valid e-mail address` : 'is empty');
      const first = claimFirst(firstRowOf, r);
      if (first !== r.row) return fail('address', `${address.data} appears earlier in this file (row ${first})`, address.data);
      const [localPart, domainName] = address.data.split('@') as [string, string];
      const domain = domains.get(domainName);
      if (!domain) return fail('address', `domain ${domainName} does not exist or is not one you manage`, address.data);
      if (scope && !domain.path.startsWith(scope.path)) return fail('address', `domain ${domainName} is outside this import's domain ${scope.name}`, address.data);
      const quotaProblem = this.quotaProblem(r, domain, classes);
      if (quotaProblem) return fail('quotaMb', quotaProblem, address.data);
      const { cells } = r;
      const account = Object.fromEntries(
        Object.entries({ localPart, password: cells.password, passwordHash: cells.passwordHash, displayName: cells.displayName, classOfService: cells.classOfService, status: cells.status?.toLowerCase() }).filter(
          ([, value]) => value !== undefined,
        ),
      );
      return { row: r.row, address: address.data, domain: domainName, account };
    });
  }

  /** Accounts have no quota of their own: a quotaMb cell must agree with the class of service the row names. */
  private quotaProblem(r: ImportRow, domain: DomainInfo, classes: ClassInfo[]): string | null {
    const raw = r.cells.quotaMb;
    if (raw === undefined) return null;
    if (!/^\d{1,7}$/.test(raw) || Number(raw) === 0) return `"${raw}" is not a quota in MB (a whole number above 0)`;
    const className = r.cells.classOfService;
    if (!className) return 'a quota comes from a class of service: name the class (classOfService) whose quota this is, or leave quotaMb empty';
    const found = usableClass(classes, className, domain.path);
    if (found && found.mailboxQuotaMb !== Number(raw)) return `class of service "${found.name}" gives ${found.mailboxQuotaMb} MB, not ${raw} MB: choose the class with that quota`;
    return null;
  }

  /** Creates the rows through the bulk provisioning use case, one call per domain. */
  private async create(actor: Actor, prepared: PreparedRow[]): Promise<PreparedRow[]> {
    const byDomain = new Map<string, PreparedRow[]>();
    for (const row of prepared) if (!row.error) byDomain.set(row.domain!, [...(byDomain.get(row.domain!) ?? []), row]);
    for (const [domain, rows] of byDomain) {
      try {
        const { results } = await this.bulk.bulkCreate(actor, domain, { accounts: rows.map((row) => row.account), atomic: false });
        for (const result of results) {
          if (result?.status === 'error') rows[result.index]!.error = { field: csvField(result.error!.field), reason: result.error!.message };
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        for (const row of rows) row.error = { field: csvField(error.extra.errors?.[0]?.field ?? 'address'), reason: error.message };
      }
    }
    return prepared;
  }

  /** A dry run: the same checks as the bulk use case, writing nothing. */
  private async check(actor: Actor, prepared: PreparedRow[], classes: ClassInfo[]): Promise<PreparedRow[]> {
    const candidates = prepared.filter((row) => !row.error);
    const taken = new Map(
      (await this.prisma.address.findMany({ where: { address: { in: candidates.map((row) => row.address!) } }, select: { address: true, kind: true } })).map((t) => [t.address, t.kind]),
    );
    const domains = await this.visibleDomains(actor, [...new Set(candidates.map((row) => row.domain!))]);
    const refusedIn = await this.classRefusals(actor, [...domains.values()], classes);
    for (const row of candidates) {
      const domain = domains.get(row.domain!)!;
      const parsed = createAccountInput.safeParse(row.account);
      const klass = parsed.success && parsed.data.classOfService ? usableClass(classes, parsed.data.classOfService, domain.path) : undefined;
      const refusal = klass && refusedIn.get(domain.name)?.get(klass.id);
      if (!actor.ability.can('create', probeAt('Account', scopeOf(domain)!))) row.error = { field: 'address', reason: `you may not create mailboxes in ${domain.name}` };
      else if (!parsed.success) row.error = { field: csvField(parsed.error.issues[0]!.path.join('.') || 'address'), reason: parsed.error.issues[0]!.message };
      else if (taken.has(row.address!)) row.error = { field: 'address', reason: alreadyUsedBy(row.address!, taken.get(row.address!)!) };
      else if (parsed.data.classOfService && !klass) row.error = { field: 'classOfService', reason: `unknown class of service "${parsed.data.classOfService}"` };
      else if (refusal) row.error = { field: 'classOfService', reason: refusal.extra.errors!.map((e) => e.message).join('; ') };
      else {
        try {
          addressIn(parsed.data.localPart, domain.name);
        } catch (error) {
          row.error = { field: 'address', reason: (error as AppError).extra.errors?.[0]?.message ?? (error as Error).message };
        }
      }
    }
    return prepared;
  }

  /** The named domains where the actor may read mailboxes (others are reported as unknown: no existence leak). */
  private async visibleDomains(actor: Actor, names: string[]): Promise<Map<string, DomainInfo>> {
    if (names.length === 0) return new Map();
    const rows = await this.prisma.domain.findMany({ where: { name: { in: names } }, select: { id: true, name: true, path: true, depth: true } });
    return new Map(rows.filter((d) => actor.ability.can('read', probeAt('Account', scopeOf(d)!))).map((d) => [d.name, d]));
  }

  private async classesNamed(actor: Actor, rows: Array<Pick<ImportRow, 'cells'>>): Promise<ClassInfo[]> {
    const names = [...new Set(rows.flatMap((r) => (r.cells.classOfService ? [r.cells.classOfService] : [])))];
    if (names.length === 0) return [];
    const found = await this.prisma.classOfService.findMany({
      where: { AND: [accessibleBy(actor.ability, 'read').ClassOfService, { OR: names.map(classOfServiceNamed) }] },
      include: { domain: { select: { path: true } } },
    });
    return found.map(({ domain, ...c }) => ({ ...c, domainPath: domain?.path ?? null }));
  }

  /** Per domain, the named classes its accounts may not get for the bounds there (as the bulk use case refuses them). */
  private async classRefusals(actor: Actor, domains: DomainInfo[], classes: ClassInfo[]) {
    const refusals = new Map<string, Map<number, AppError>>();
    for (const domain of domains) {
      const usable = classes.filter((c) => !c.domainPath || domain.path.startsWith(c.domainPath));
      refusals.set(domain.name, await refusalsAt(this.prisma, actor, usable, { kind: 'account', name: domain.name, domain, classOfServiceId: null }));
    }
    return refusals;
  }
}

function chunkEnd(rows: ImportRow[], start: number, dryRun: boolean) {
  let end = start;
  let plain = 0;
  while (end < rows.length && end - start < CHUNK_ROWS && plain < PLAIN_PASSWORDS_PER_CHUNK) {
    if (!dryRun && rows[end]!.cells.password !== undefined) plain += 1;
    end += 1;
  }
  return end;
}

/** Records the row as the first with its address unless an earlier one was; answers the first row. */
function claimFirst(firstRowOf: Map<string, number>, r: ImportRow): number {
  const address = mailAddress.safeParse(r.cells.address ?? '');
  if (!address.success) return r.row;
  const first = firstRowOf.get(address.data);
  if (first !== undefined) return first;
  firstRowOf.set(address.data, r.row);
  return r.row;
}

/** A class the row's domain may use, as the bulk use case picks it (case-insensitive; a district's own class only inside it). */
function usableClass(classes: ClassInfo[], name: string, domainPath: string) {
  return classes.find((c) => c.name.toLowerCase() === name.trim().toLowerCase() && (!c.domainPath || domainPath.startsWith(c.domainPath)));
}

/** The bulk use case names fields of its own input; the report names the CSV's columns. */
function csvField(field: string) {
  return field === 'localPart' || field === '(row)' || field === 'accounts' ? 'address' : field;
}
