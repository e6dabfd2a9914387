import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ForbiddenError, probeAt } from '@schoolmail/rbac';
import type { ImapCheckpoint, MaildirCheckpoint } from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { scopeOf } from '../auth/principals.js';
import { domainOfAccounts } from '../accounts/account.view.js';
import { JobRunner } from '../jobs/job-runner.js';
import { JobsService } from '../jobs/jobs.service.js';
import { importRunOf } from './job-import-run.js';
import type { VpopmailImportInput } from './migration.schemas.js';
import { ImapImportService, type ImapJobParams } from './imap-import.service.js';
import { MaildirImportService, type MaildirJobParams } from './maildir-import.service.js';
import { VpopmailImportService, type VpopmailCheckpoint } from './vpopmail-import.service.js';

export const VPOPMAIL_IMPORT = 'vpopmail-import';
export const MAILDIR_IMPORT = 'maildir-import';
export const IMAP_IMPORT = 'imap-import';

/**
 * Imports run as jobs (GET /api/v1/jobs/{id} for progress, /report for what was skipped and
 * why): the request is validated and authorized at once, the work happens in the job runner,
 * which resumes it from its checkpoint after an interruption.
 */
@Injectable()
export class MigrationJobsService implements OnModuleInit {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly jobs: JobsService,
    private readonly runner: JobRunner,
    private readonly vpopmail: VpopmailImportService,
    private readonly maildir: MaildirImportService,
    private readonly imap: ImapImportService,
  ) {}

  onModuleInit() {
    this.runner.registerJobKind(VPOPMAIL_IMPORT, async (ctx) => {
      const { input } = ctx.job.params as { input: VpopmailImportInput };
      // The creator's rights as they are now, not when the job was queued.
      const { domain } = await this.vpopmail.prepare(ctx.actor, input);
      const run = importRunOf<VpopmailCheckpoint>(ctx);
      await this.vpopmail.run(ctx.actor, input, domain, run);
      return run.summary();
    });
    this.runner.registerJobKind(MAILDIR_IMPORT, async (ctx) => {
      const params = ctx.job.params as MaildirJobParams;
      const run = importRunOf<MaildirCheckpoint>(ctx);
      await this.maildir.run(ctx.actor, params, run);
      return run.summary();
    });
    this.runner.registerJobKind(IMAP_IMPORT, async (ctx) => {
      const run = importRunOf<ImapCheckpoint>(ctx);
      await this.imap.run(ctx.actor, ctx.job.params as ImapJobParams, run);
      return run.summary();
    });
  }

  async startVpopmailImport(actor: Actor, rawInput: unknown) {
    const { input, domain } = await this.vpopmail.prepare(actor, rawInput);
    this.mayStartJobIn(actor, domain);
    return this.jobs.enqueue(actor, { kind: VPOPMAIL_IMPORT, params: { input }, domain: await this.ownerDomain(domain.id), dryRun: input.dryRun });
  }

  async startMaildirImport(actor: Actor, rawInput: unknown) {
    const { params, domain } = await this.maildir.prepare(actor, rawInput);
    this.mayStartJobIn(actor, domain);
    return this.jobs.enqueue(actor, { kind: MAILDIR_IMPORT, params: { ...params }, domain: await this.ownerDomain(domain.id), dryRun: params.input.dryRun });
  }

  async startImapImport(actor: Actor, rawInput: unknown) {
    const { params, domain } = await this.imap.prepare(actor, rawInput);
    this.mayStartJobIn(actor, domain);
    return this.jobs.enqueue(actor, { kind: IMAP_IMPORT, params: { ...params }, domain: await this.ownerDomain(domain.id), dryRun: params.input.dryRun });
  }

  private mayStartJobIn(actor: Actor, domain: { id: number; name: string; path: string; depth: number }) {
    ForbiddenError.from(actor.ability).throwUnlessCan('create', probeAt('Job', scopeOf(domain)!));
  }

  private ownerDomain(id: number) {
    return this.prisma.domain.findUniqueOrThrow({ where: { id }, select: { id: true, name: true, path: true, depth: true } });
  }
}
