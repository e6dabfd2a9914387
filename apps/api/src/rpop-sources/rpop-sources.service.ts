import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import { RpopDestinationPolicy, SealedSecrets } from '@schoolmail/mail-engine';
import { Prisma, type RpopSource } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { AppError, type FieldError } from '../common/errors.js';
import { keyset } from '../common/pagination.js';
import { parseInput } from '../common/validation.js';
import { visibleAccount, type AccountRow } from '../accounts/account.view.js';
import { createRpopSourceInput, defaultPort, listRpopSourcesQuery, updateRpopSourceInput } from './rpop-source.schemas.js';

/** A source as the API shows it: never the password, always the state of its collection. */
export function presentSource(account: string, row: RpopSource) {
  return {
    id: row.id,
    account,
    host: row.host,
    port: row.port,
    tls: row.tls,
    username: row.username,
    intervalSeconds: row.intervalSeconds,
    leaveOnServer: row.leaveOnServer,
    nextRunAt: row.nextRunAt.toISOString(),
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
    lastError: row.lastError,
    consecutiveFailures: row.consecutiveFailures,
    fetchedCount: row.fetchedCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type RpopSourceView = ReturnType<typeof presentSource>;

const sourceSubject = (account: AccountRow, accountId = account.id) => subject('RpopSource', { accountId, account: { domain: account.domain } } as never);

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** How long saving a source waits for its host name's addresses before leaving the check to the engine. */
const RESOLVE_TIMEOUT_MS = 2000;

/** A destination remote POP may not reach: 422, naming the field(s). */
function refuseDestination(errors: FieldError[]) {
  if (errors.length) throw new AppError('UNPROCESSABLE', errors.map((error) => error.message).join('; '), { errors });
}

/**
 * Remote POP sources of a mailbox: the engine's RPOP scheduler collects them (while `rpop` is
 * effective for the account). Administrators in scope manage them; a mailbox owner manages
 * its own. The password is sealed (AES-256-GCM, key of the data directory or
 * SCHOOLMAIL_SECRET_KEY) because the engine must replay it; it is never shown again.
 */
@Injectable()
export class RpopSourcesService {
  /** Where sources may point (SCHOOLMAIL_RPOP_PORTS / _ALLOW / _DENY): refused ones are never saved. */
  private readonly destinations: RpopDestinationPolicy;

  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
    private readonly audit: AuditService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.destinations = new RpopDestinationPolicy(config.rpopDestinations);
  }

  async list(actor: Actor, address: string, rawQuery: unknown = {}) {
    const query = parseInput(listRpopSourcesQuery, rawQuery);
    const account = await visibleAccount(this.prisma, actor.ability, address);
    const page = keyset<RpopSource>({ sortField: 'id', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.rpopSource.findMany({
      where: { AND: [accessibleBy(actor.ability, 'read').RpopSource, { accountId: account.id }, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
    });
    return page.page(rows, (row) => presentSource(account.address, row));
  }

  async get(actor: Actor, address: string, id: string | number) {
    const account = await visibleAccount(this.prisma, actor.ability, address);
    return presentSource(account.address, await this.visibleSource(this.prisma, actor, account, id));
  }

  async create(actor: Actor, address: string, rawInput: unknown) {
    const input = parseInput(createRpopSourceInput, rawInput);
    const port = input.port ?? defaultPort(input.tls);
    // Resolved before the transaction (no connection held during DNS), reported after the scope checks.
    const hostRefusal = await this.destinations.hostRefusal(input.host, RESOLVE_TIMEOUT_MS);
    return this.prisma.$transaction(async (tx) => {
      const account = await visibleAccount(tx, actor.ability, address);
      ForbiddenError.from(actor.ability).throwUnlessCan('create', sourceSubject(account));
      refuseDestination(this.destinationErrors(hostRefusal, port));
      const { password, ...settings } = input;
      try {
        const row = await tx.rpopSource.create({
          data: { ...settings, port, accountId: account.id, passwordSealed: this.secrets.seal(password) },
        });
        const view = presentSource(account.address, row);
        await this.audit.record(tx, actor, { action: 'rpop-source.create', subjectType: 'RpopSource', subjectId: row.id, domain: account.domain, after: view });
        return view;
      } catch (error) {
        if (isUniqueViolation(error)) throw AppError.conflict(`${account.address} already collects ${input.username} from ${input.host}`, 'username');
        throw error;
      }
    });
  }

  /** A change of server or credentials starts afresh: collected at once, the failure count cleared. */
  async update(actor: Actor, address: string, id: string | number, rawInput: unknown) {
    const input = parseInput(updateRpopSourceInput, rawInput);
    const hostRefusal = input.host === undefined ? null : await this.destinations.hostRefusal(input.host, RESOLVE_TIMEOUT_MS);
    return this.prisma.$transaction(async (tx) => {
      const account = await visibleAccount(tx, actor.ability, address);
      const before = await this.visibleSource(tx, actor, account, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', sourceSubject(account, before.accountId));
      const { password, ...settings } = input;
      const followsTls = settings.tls && settings.port === undefined && before.port === defaultPort(before.tls) ? { port: defaultPort(settings.tls) } : {};
      const newPort = settings.port ?? followsTls.port;
      // Only what changes is checked: an unrelated edit of a source is not blocked by a setting changed since.
      refuseDestination(this.destinationErrors(hostRefusal, newPort));
      const reconnect = password !== undefined || ['host', 'port', 'tls', 'username'].some((key) => key in settings);
      try {
        const row = await tx.rpopSource.update({
          where: { id: before.id },
          data: {
            ...settings,
            ...followsTls,
            ...(password !== undefined ? { passwordSealed: this.secrets.seal(password) } : {}),
            ...(reconnect ? { nextRunAt: new Date(), consecutiveFailures: 0, lastError: null } : {}),
          },
        });
        const view = presentSource(account.address, row);
        await this.audit.record(tx, actor, {
          action: 'rpop-source.update',
          subjectType: 'RpopSource',
          subjectId: row.id,
          domain: account.domain,
          before: presentSource(account.address, before),
          after: { ...view, ...(password !== undefined ? { passwordChanged: true } : {}) },
        });
        return view;
      } catch (error) {
        if (isUniqueViolation(error)) throw AppError.conflict(`${account.address} already collects that user from that server`, 'username');
        throw error;
      }
    });
  }

  async remove(actor: Actor, address: string, id: string | number) {
    await this.prisma.$transaction(async (tx) => {
      const account = await visibleAccount(tx, actor.ability, address);
      const row = await this.visibleSource(tx, actor, account, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', sourceSubject(account, row.accountId));
      await tx.rpopSource.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, { action: 'rpop-source.delete', subjectType: 'RpopSource', subjectId: row.id, domain: account.domain, before: presentSource(account.address, row) });
    });
  }

  private destinationErrors(hostRefusal: string | null, port: number | undefined): FieldError[] {
    const portRefusal = port === undefined ? null : this.destinations.portRefusal(port);
    return [
      ...(hostRefusal ? [{ field: 'host', message: hostRefusal }] : []),
      ...(portRefusal ? [{ field: 'port', message: portRefusal }] : []),
    ];
  }

  /** 404 when the source does not exist, belongs to another account, or is out of the actor's reach. */
  private async visibleSource(db: Database | Tx, actor: Actor, account: AccountRow, rawId: string | number): Promise<RpopSource> {
    const id = typeof rawId === 'number' ? rawId : /^[0-9]{1,9}$/.test(rawId) ? Number(rawId) : NaN;
    const row = Number.isNaN(id)
      ? null
      : await db.rpopSource.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').RpopSource, { id, accountId: account.id }] } });
    if (!row) throw AppError.notFound('remote POP source', `${rawId} of ${account.address}`);
    return row;
  }
}
