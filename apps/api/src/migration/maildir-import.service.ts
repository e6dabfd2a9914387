import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, probeAt } from '@schoolmail/rbac';
import { importMaildirs, vpopmailMaildirs, type ImportRun, type MailStore, type MaildirCheckpoint, type MaildirImportTarget } from '@schoolmail/mail-engine';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { domainOfAccounts } from '../accounts/account.view.js';
import { maildirImportInput, type MaildirImportInput } from './migration.schemas.js';
import { MIGRATION_STORE } from './migration-store.js';

export interface MaildirJobParams {
  input: MaildirImportInput;
  /** The checked, resolved directory. */
  directory: string;
}

/**
 * Imports Maildirs from the server's disk: one account's, or a whole vpopmail domain
 * directory's (`<user>/Maildir`). Only directories inside the migration directory
 * (SCHOOLMAIL_MIGRATION_DIR, default `<data dir>/migration`) are read, so an API key cannot
 * make the server read arbitrary files into a mailbox.
 */
@Injectable()
export class MaildirImportService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(MIGRATION_STORE) private readonly store: MailStore,
  ) {}

  get migrationDirectory() {
    return resolve(process.env.SCHOOLMAIL_MIGRATION_DIR ?? join(this.config.dataDir, 'migration'));
  }

  async prepare(actor: Actor, rawInput: unknown) {
    const input = parseInput(maildirImportInput, rawInput);
    const domain = input.domain !== undefined ? await domainOfAccounts(this.prisma, actor.ability, input.domain) : (await this.visibleAccount(actor, input.account!)).domain;
    ForbiddenError.from(actor.ability).throwUnlessCan('update', probeAt('Account', scopeOf(domain)!));
    const directory = await this.checkedDirectory(input.path);
    return { params: { input, directory } satisfies MaildirJobParams, domain };
  }

  async run(actor: Actor, params: MaildirJobParams, run: ImportRun<MaildirCheckpoint>) {
    const targets = await this.targets(actor, params, run);
    await importMaildirs(this.prisma, this.store, targets, run);
  }

  private async targets(actor: Actor, { input, directory }: MaildirJobParams, run: ImportRun<MaildirCheckpoint>): Promise<MaildirImportTarget[]> {
    if (input.account !== undefined) {
      const account = await this.visibleAccount(actor, input.account);
      const nested = await realpath(join(directory, 'Maildir')).catch(() => null);
      return [{ accountId: account.id, label: account.address, maildir: nested ?? directory }];
    }
    const domain = await domainOfAccounts(this.prisma, actor.ability, input.domain!);
    // Either the domain's directory itself or the `domains` directory above it.
    const domainDirectory = (await realpath(join(directory, domain.name)).catch(() => null)) ?? directory;
    const mailboxes = await vpopmailMaildirs(domainDirectory);
    const accounts = await this.prisma.account.findMany({
      where: { domainId: domain.id, localPart: { in: mailboxes.map((m) => m.user) } },
      select: { id: true, address: true, localPart: true },
    });
    const byLocalPart = new Map(accounts.map((a) => [a.localPart, a]));
    const targets: MaildirImportTarget[] = [];
    for (const mailbox of mailboxes) {
      const account = byLocalPart.get(mailbox.user);
      if (account) targets.push({ accountId: account.id, label: account.address, maildir: mailbox.maildir });
      // Listed, not counted: the job's total counts messages.
      else run.onItem({ item: `${mailbox.user}@${domain.name}`, action: 'skip', reason: 'no such account here: import the accounts (vpasswd) first', count: 0 });
    }
    return targets;
  }

  private async visibleAccount(actor: Actor, address: string) {
    const row = await this.prisma.account.findFirst({
      where: { AND: [accessibleBy(actor.ability, 'read').Account, { address: address.trim().toLowerCase() }] },
      select: { id: true, address: true, domain: { select: { id: true, name: true, path: true, depth: true } } },
    });
    if (!row) throw AppError.notFound('account', address);
    return row;
  }

  private async checkedDirectory(path: string) {
    const root = await realpath(this.migrationDirectory).catch(() => null);
    if (!root) throw AppError.invalid('path', `the migration directory ${this.migrationDirectory} does not exist on this server; copy the Maildirs there first`);
    const wanted = isAbsolute(path) ? path : join(root, path);
    const directory = await realpath(wanted).catch(() => null);
    if (!directory) throw AppError.invalid('path', `${path} does not exist on this server`);
    const inside = relative(root, directory);
    if (inside.startsWith('..') || isAbsolute(inside)) throw AppError.invalid('path', `must lie inside the migration directory ${root}`);
    return directory;
  }
}
