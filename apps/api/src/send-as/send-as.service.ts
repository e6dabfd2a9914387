import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import type { SendAsGrant } from '@schoolmail/prisma';
import { idsOfPath } from '@schoolmail/mail-engine';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { visibleAccount, type AccountRow } from '../accounts/account.view.js';
import { normalizedAddress } from '../aliases/addressed-objects.js';
import { grantSendAsInput, listSendAsQuery } from './send-as.schemas.js';

export interface SendAsView {
  account: string;
  address: string;
  kind: 'account' | 'group' | null;
  createdAt: string;
}

const present = (account: string, row: SendAsGrant, kind: SendAsView['kind']): SendAsView => ({
  account,
  address: row.address,
  kind,
  createdAt: row.createdAt.toISOString(),
});

/** The district of a domain: the top of its subtree. */
const districtOf = (path: string) => idsOfPath(path)[0];

/**
 * "Send as" grants: an account may use the address of a group or of another account of its
 * district as sender (MAIL FROM), besides its own address and aliases. Granting is changing
 * the account, so it needs `update` on the Account.
 */
@Injectable()
export class SendAsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, address: string, rawQuery: unknown = {}) {
    const query = parseInput(listSendAsQuery, rawQuery);
    const account = await visibleAccount(this.prisma, actor.ability, address);
    const page = keyset<SendAsGrant>({ sortField: 'id', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.sendAsGrant.findMany({ where: { AND: [{ accountId: account.id }, page.where] }, orderBy: page.orderBy as never, take: page.take });
    const kinds = await this.kindsOf(this.prisma, rows.map((row) => row.address));
    return page.page(rows, (row) => present(account.address, row, kinds.get(row.address) ?? null));
  }

  async grant(actor: Actor, address: string, rawInput: unknown) {
    const input = parseInput(grantSendAsInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const account = await this.changeableAccount(tx, actor, address);
      if (input.address === account.address) throw AppError.invalid('address', `${account.address} is the account's own address: it may always send as itself`);
      const kind = await this.grantableKind(tx, actor, account, input.address);
      if (await tx.sendAsGrant.findUnique({ where: { accountId_address: { accountId: account.id, address: input.address } } })) {
        throw AppError.conflict(`${account.address} may already send as ${input.address}`, 'address');
      }
      const row = await tx.sendAsGrant.create({ data: { accountId: account.id, address: input.address } });
      const view = present(account.address, row, kind);
      await this.audit.record(tx, actor, { action: 'account.send-as.grant', subjectType: 'Account', subjectId: account.address, domain: account.domain, after: view });
      return view;
    });
  }

  async revoke(actor: Actor, address: string, granted: string) {
    await this.prisma.$transaction(async (tx) => {
      const account = await this.changeableAccount(tx, actor, address);
      const normalized = normalizedAddress(granted) ?? granted.trim().toLowerCase();
      const row = await tx.sendAsGrant.findUnique({ where: { accountId_address: { accountId: account.id, address: normalized } } });
      if (!row) throw new AppError('NOT_FOUND', `${account.address} has no right to send as ${granted}`);
      await tx.sendAsGrant.delete({ where: { id: row.id } });
      const kinds = await this.kindsOf(tx, [row.address]);
      await this.audit.record(tx, actor, {
        action: 'account.send-as.revoke',
        subjectType: 'Account',
        subjectId: account.address,
        domain: account.domain,
        before: present(account.address, row, kinds.get(row.address) ?? null),
      });
    });
  }

  /** 404 out of scope, 403 in scope without the right to change the account. */
  private async changeableAccount(tx: Tx, actor: Actor, address: string) {
    const account = await visibleAccount(tx, actor.ability, address);
    ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Account', account));
    return account;
  }

  /**
   * What the granted address is: an account or a group the actor can see, in the account's
   * district. Anything else answers as if it did not exist (no leak of other districts).
   */
  private async grantableKind(tx: Tx, actor: Actor, account: AccountRow, address: string): Promise<'account' | 'group'> {
    const missing = AppError.invalid('address', `there is no account or group ${address} that you can see`);
    const owner = await tx.address.findUnique({ where: { address } });
    let domainPath: string | undefined;
    if (owner?.kind === 'account') {
      domainPath = (await tx.account.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Account, { address }] }, select: { domain: { select: { path: true } } } }))?.domain.path;
    } else if (owner?.kind === 'group') {
      domainPath = (await tx.group.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Group, { address }] }, select: { domain: { select: { path: true } } } }))?.domain.path;
    } else if (owner) {
      throw AppError.invalid('address', `${address} is ${owner.kind === 'alias' ? 'an alias' : 'a mailing list'}: only an account or a group can be granted`);
    }
    if (!owner || domainPath === undefined) throw missing;
    if (districtOf(domainPath) !== districtOf(account.domain.path)) {
      throw AppError.invalid('address', `${address} belongs to another district than ${account.address}`);
    }
    return owner.kind as 'account' | 'group';
  }

  private async kindsOf(db: Database | Tx, addresses: string[]) {
    const rows = addresses.length ? await db.address.findMany({ where: { address: { in: addresses } } }) : [];
    return new Map(rows.map((row) => [row.address, row.kind === 'account' || row.kind === 'group' ? row.kind : null] as const));
  }
}
