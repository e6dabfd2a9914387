import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, probeAt } from '@schoolmail/rbac';
import { importFromImap, SealedSecrets, type ImapCheckpoint, type ImportRun, type MailStore } from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { scopeOf } from '../auth/principals.js';
import { imapImportInput, type ImapImportInput } from './migration.schemas.js';
import { MIGRATION_STORE } from './migration-store.js';

/** The job's parameters: the old server's password travels sealed, never in clear in the Job table. */
export interface ImapJobParams {
  input: Omit<ImapImportInput, 'password'>;
  sealedPassword: string;
}

/** Copies every folder of an account from any IMAP server; a re-run fetches only what is new. */
@Injectable()
export class ImapImportService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
    @Inject(MIGRATION_STORE) private readonly store: MailStore,
  ) {}

  async prepare(actor: Actor, rawInput: unknown) {
    const { password, ...input } = parseInput(imapImportInput, rawInput);
    const account = await this.visibleAccount(actor, input.account);
    ForbiddenError.from(actor.ability).throwUnlessCan('update', probeAt('Account', scopeOf(account.domain)!));
    return { params: { input, sealedPassword: this.secrets.seal(password) } satisfies ImapJobParams, domain: account.domain };
  }

  async run(actor: Actor, { input, sealedPassword }: ImapJobParams, run: ImportRun<ImapCheckpoint>) {
    const account = await this.visibleAccount(actor, input.account);
    const source = { host: input.host, port: input.port, secure: input.secure, user: input.user, password: this.secrets.open(sealedPassword), verifyCertificate: input.verifyCertificate };
    await importFromImap(this.prisma, this.store, { accountId: account.id, label: account.address }, source, run);
  }

  private async visibleAccount(actor: Actor, address: string) {
    const row = await this.prisma.account.findFirst({
      where: { AND: [accessibleBy(actor.ability, 'read').Account, { address: address.trim().toLowerCase() }] },
      select: { id: true, address: true, domain: { select: { id: true, name: true, path: true, depth: true } } },
    });
    if (!row) throw AppError.notFound('account', address);
    return row;
  }
}
