import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError, probeAt } from '@schoolmail/rbac';
import {
  hashPassword,
  parseQmailFiles,
  parseValiasCsv,
  parseVpasswd,
  parseVpopmailCsv,
  throwIfInterrupted,
  type ImportRun,
  type ParsedAliases,
  type ReportItem,
} from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { domainOfAccounts } from '../accounts/account.view.js';
import { AccountsBulkService } from '../accounts/accounts-bulk.service.js';
import { AliasesService } from '../aliases/aliases.service.js';
import { createAliasInput } from '../aliases/alias.schemas.js';
import { vpopmailImportInput, type VpopmailImportInput } from './migration.schemas.js';
import { VpopmailPlanner, type PlannedAccount, type TargetDomain } from './vpopmail-plan.js';

export interface VpopmailCheckpoint {
  /** Lines before this one were handled by an earlier run. */
  nextLine: number;
}

/** Accounts per bulk call: a transaction of a second or so, and progress that moves. */
const CHUNK = 5_000;
const HASH_CONCURRENCY = 4;

async function hashClearPasswords(rows: PlannedAccount[]) {
  const queue = rows.filter((row) => row.clearPassword !== null && row.row.passwordHash === undefined);
  const worker = async () => {
    for (let row = queue.pop(); row; row = queue.pop()) row.row.passwordHash = await hashPassword(row.clearPassword!);
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
}

/**
 * Imports a domain's mailboxes from vpopmail (a vpasswd file or the MySQL table's CSV), with
 * their password hashes as they are (verified at login, re-hashed then), quotas as classes
 * of service, disabled services as toggles, and `.qmail` forwards and `valias` rows as
 * aliases. Accounts are created by the bulk account service, as the API creates them.
 * A re-run skips what exists, so it is idempotent and resumes an interrupted import.
 */
@Injectable()
export class VpopmailImportService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly bulk: AccountsBulkService,
    private readonly aliases: AliasesService,
  ) {}

  /** Validates and authorizes before any work, so a job is created only for an import that can run. */
  async prepare(actor: Actor, rawInput: unknown) {
    const input = parseInput(vpopmailImportInput, rawInput);
    const domain = await domainOfAccounts(this.prisma, actor.ability, input.domain);
    ForbiddenError.from(actor.ability).throwUnlessCan('create', probeAt('Account', scopeOf(domain)!));
    return { input, domain };
  }

  /**
   * Runs the import into `run`. Outcomes are reported in line order, each chunk's with its
   * checkpoint, so a run resumed at the checkpoint's line reports and counts every line once.
   */
  async run(actor: Actor, input: VpopmailImportInput, domain: TargetDomain, run: ImportRun<VpopmailCheckpoint>) {
    const parsed = input.format === 'vpasswd' ? parseVpasswd(input.content) : parseVpopmailCsv(input.content);
    const aliases = this.parseAliases(input, domain.name);
    run.setTotal(parsed.accounts.length + parsed.issues.length + aliases.aliases.length + aliases.issues.length);
    const from = run.checkpoint?.nextLine ?? 0;
    const outcomes: ReportItem[] = parsed.issues.filter((issue) => issue.line >= from).map((issue) => ({ item: `line ${issue.line}`, line: issue.line, action: 'error', reason: issue.message }));
    const planned = await new VpopmailPlanner(this.prisma, actor, domain, outcomes).plan(parsed.accounts.filter((entry) => entry.line >= from));
    outcomes.sort((a, b) => a.line! - b.line!);
    const reportOutcomesBefore = (line: number) => {
      while (outcomes.length > 0 && outcomes[0]!.line! < line) run.onItem(outcomes.shift()!);
    };

    for (let start = 0; start < planned.length; start += CHUNK) {
      throwIfInterrupted(run.signal);
      const chunk = planned.slice(start, start + CHUNK);
      if (input.dryRun) {
        for (const account of chunk) run.onItem({ item: account.address, line: account.line, action: 'create', reason: [`line ${account.line}`, ...account.notes].join('; ') });
      } else {
        await this.createAccounts(actor, domain.name, chunk, run);
      }
      const nextLine = planned[start + CHUNK]?.line ?? Number.MAX_SAFE_INTEGER;
      reportOutcomesBefore(nextLine);
      await run.onCheckpoint({ nextLine });
    }
    reportOutcomesBefore(Number.MAX_SAFE_INTEGER);
    // Aliases come last and are few: a resumed run re-checks them all (an existing one is skipped).
    await run.onCheckpoint({ nextLine: Number.MAX_SAFE_INTEGER });
    await this.importAliases(actor, domain.name, aliases, run);
  }

  private async createAccounts(actor: Actor, domainName: string, chunk: PlannedAccount[], run: ImportRun<VpopmailCheckpoint>) {
    await hashClearPasswords(chunk);
    const { results } = await this.bulk.bulkCreate(actor, domainName, { accounts: chunk.map((account) => account.row) });
    chunk.forEach((account, index) => {
      const result = results[index];
      if (result?.status === 'created') {
        run.onItem({ item: account.address, line: account.line, action: 'created', reason: [`line ${account.line}`, ...account.notes].join('; ') });
      } else {
        const why = result?.error ? `${result.error.field} ${result.error.message}` : 'not created';
        run.onItem({ item: account.address, line: account.line, action: 'error', reason: why });
      }
    });
  }

  private parseAliases(input: VpopmailImportInput, domainName: string): ParsedAliases {
    const fromFiles = parseQmailFiles(input.qmailFiles ?? []);
    const fromTable = input.valias ? parseValiasCsv(input.valias, domainName) : { aliases: [], issues: [] };
    return { aliases: [...fromFiles.aliases, ...fromTable.aliases], issues: [...fromFiles.issues, ...fromTable.issues] };
  }

  private async importAliases(actor: Actor, domainName: string, parsed: ParsedAliases, run: ImportRun<VpopmailCheckpoint>) {
    for (const issue of parsed.issues) {
      run.onItem({ item: issue.source, action: 'skip', reason: issue.line ? `line ${issue.line}: ${issue.message}` : issue.message });
    }
    if (parsed.aliases.length === 0) return;
    const addresses = parsed.aliases.map((alias) => `${alias.localPart}@${domainName}`);
    const taken = new Map((await this.prisma.address.findMany({ where: { address: { in: addresses } }, select: { address: true, kind: true } })).map((t) => [t.address, t.kind]));
    for (const alias of parsed.aliases) {
      const address = `${alias.localPart}@${domainName}`;
      const kind = taken.get(address);
      if (kind === 'alias') {
        run.onItem({ item: address, action: 'skip', reason: `${alias.source}: the alias exists already` });
        continue;
      }
      if (kind) {
        run.onItem({ item: address, action: 'error', reason: `${alias.source}: the address is used by ${kind === 'account' ? 'an account' : `a ${kind}`}` });
        continue;
      }
      const body = { localPart: alias.localPart, targets: alias.targets };
      if (run.dryRun) {
        const valid = createAliasInput.safeParse(body);
        if (valid.success) run.onItem({ item: address, action: 'create', reason: `alias to ${alias.targets.join(', ')}` });
        else run.onItem({ item: address, action: 'error', reason: `${alias.source}: ${valid.error.issues[0]!.path.join('.')} ${valid.error.issues[0]!.message}` });
        continue;
      }
      try {
        await this.aliases.create(actor, domainName, body);
        run.onItem({ item: address, action: 'created', reason: `alias to ${alias.targets.join(', ')}` });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        run.onItem({ item: address, action: 'error', reason: `${alias.source}: ${error.message}` });
      }
    }
  }
}
