import { Inject, Injectable } from '@nestjs/common';
import { directoryConfigOf, DirectoryUnavailableError, ldapjsDirectoryClient, SealedSecrets, type AuthSourceRow } from '@schoolmail/mail-engine';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { PRISMA, type Database } from '../database/database.js';
import { visibleDomain } from '../domains/domains.service.js';
import { requireSourceManager, requireStaff } from './auth-source-access.js';
import { putAuthSourceInput, testAuthSourceInput } from './auth-source.schemas.js';
import { effectiveAuthSource } from './effective-auth-source.js';

/** The bind password is write-only: only whether one is stored is shown. */
export function presentAuthSource(domain: string, row: AuthSourceRow | null, inheritedFrom: string | null) {
  if (!row || row.kind === 'local') return { domain, kind: 'local' as const, inheritedFrom, version: row?.version ?? null };
  return {
    domain,
    kind: row.kind,
    inheritedFrom,
    urls: row.urls,
    tlsMode: row.tlsMode,
    caPem: row.caPem,
    bindDn: row.bindDn,
    hasBindPassword: row.bindPasswordSealed !== null,
    userBase: row.userBase,
    userFilter: row.userFilter,
    attributes: { mail: row.mailAttribute, uid: row.uidAttribute, displayName: row.displayNameAttribute, mailHost: row.mailHostAttribute, quota: row.quotaAttribute },
    connectTimeoutMs: row.connectTimeoutMs,
    operationTimeoutMs: row.operationTimeoutMs,
    cacheSeconds: row.cacheSeconds,
    provisioning: row.provisioning,
    provisionBase: row.provisionBase,
    provisionRdnAttribute: row.provisionRdnAttribute,
    provisionObjectClasses: row.provisionObjectClasses,
    postmasterMayManage: row.postmasterMayManage,
    version: row.version,
  };
}
export type AuthSourceView = ReturnType<typeof presentAuthSource>;

@Injectable()
export class AuthSourcesService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly secrets: SealedSecrets,
    private readonly audit: AuditService,
  ) {}

  /** The domain's own source, else the one it inherits (with `inheritedFrom`), else local. */
  async get(actor: Actor, name: string) {
    const domain = await visibleDomain(this.prisma, actor.ability, name);
    const source = await effectiveAuthSource(this.prisma, domain.path);
    requireSourceManager(actor.ability, source);
    const from = source?.owner.name ?? null;
    return presentAuthSource(domain.name, source?.row ?? null, from && from !== domain.name ? from : null);
  }

  async put(actor: Actor, name: string, rawInput: unknown) {
    const input = parseInput(putAuthSourceInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const domain = await visibleDomain(tx, actor.ability, name);
      const existing = await tx.domainAuthSource.findUnique({ where: { domainId: domain.id } });
      if (!existing) requireStaff(actor.ability);
      else requireSourceManager(actor.ability, { row: existing, owner: domain });
      const mayManage = input.kind === 'ldap' ? input.postmasterMayManage : undefined;
      if (mayManage !== undefined && mayManage !== (existing?.postmasterMayManage ?? false)) requireStaff(actor.ability);
      const data =
        input.kind === 'local'
          ? { kind: 'local' as const, urls: [], bindDn: null, bindPasswordSealed: null, caPem: null, provisioning: false }
          : {
              kind: 'ldap' as const,
              urls: input.urls,
              tlsMode: input.tlsMode,
              caPem: input.caPem ?? null,
              bindDn: input.bindDn ?? null,
              bindPasswordSealed:
                input.bindPassword === undefined ? (existing?.bindPasswordSealed ?? null) : input.bindPassword === null ? null : this.secrets.seal(input.bindPassword),
              userBase: input.userBase,
              userFilter: input.userFilter,
              mailAttribute: input.attributes.mail,
              uidAttribute: input.attributes.uid,
              displayNameAttribute: input.attributes.displayName,
              mailHostAttribute: input.attributes.mailHost,
              quotaAttribute: input.attributes.quota,
              connectTimeoutMs: input.connectTimeoutMs,
              operationTimeoutMs: input.operationTimeoutMs,
              cacheSeconds: input.cacheSeconds,
              provisioning: input.provisioning,
              provisionBase: input.provisionBase,
              provisionRdnAttribute: input.provisionRdnAttribute,
              provisionObjectClasses: input.provisionObjectClasses,
              ...(mayManage === undefined ? {} : { postmasterMayManage: mayManage }),
            };
      const row = existing
        ? await tx.domainAuthSource.update({ where: { id: existing.id }, data: { ...data, version: { increment: 1 } } })
        : await tx.domainAuthSource.create({ data: { ...data, domainId: domain.id } });
      const view = presentAuthSource(domain.name, row, null);
      await this.audit.record(tx, actor, {
        action: 'domain.auth-source.set',
        subjectType: 'Domain',
        subjectId: domain.name,
        domain,
        before: existing ? presentAuthSource(domain.name, existing, null) : null,
        after: view,
      });
      return view;
    });
  }

  /** Back to inheriting (or local): answers what applies now. Staff only, since it also drops postmasterMayManage. */
  async remove(actor: Actor, name: string) {
    return this.prisma.$transaction(async (tx) => {
      const domain = await visibleDomain(tx, actor.ability, name);
      const existing = await tx.domainAuthSource.findUnique({ where: { domainId: domain.id } });
      requireStaff(actor.ability);
      if (!existing) throw AppError.notFound('authentication source of domain', domain.name);
      await tx.domainAuthSource.delete({ where: { id: existing.id } });
      await this.audit.record(tx, actor, {
        action: 'domain.auth-source.delete',
        subjectType: 'Domain',
        subjectId: domain.name,
        domain,
        before: presentAuthSource(domain.name, existing, null),
      });
    });
  }

  /**
   * For the console's "test" button: the service bind and the user lookup of one address with
   * the domain's effective source, and optionally that user's password. Reports what it found;
   * a directory that cannot answer is a result here, not an error.
   */
  async test(actor: Actor, name: string, rawInput: unknown) {
    const input = parseInput(testAuthSourceInput, rawInput);
    const domain = await visibleDomain(this.prisma, actor.ability, name);
    const source = await effectiveAuthSource(this.prisma, domain.path);
    requireSourceManager(actor.ability, source);
    if (!source || source.row.kind !== 'ldap') throw AppError.conflict(`domain ${domain.name} authenticates locally; there is no directory to test`);
    const started = Date.now();
    let client: ReturnType<typeof ldapjsDirectoryClient> | null = null;
    try {
      client = ldapjsDirectoryClient(directoryConfigOf(source.row, this.secrets));
      const user = await client.findUser(input.address.toLowerCase());
      const passwordAccepted = user && input.password !== undefined ? await client.verify(user.dn, input.password) : null;
      return { reachable: true, user, passwordAccepted, error: null, elapsedMs: Date.now() - started };
    } catch (error) {
      if (!(error instanceof DirectoryUnavailableError)) throw error;
      return { reachable: false, user: null, passwordAccepted: null, error: error.message, elapsedMs: Date.now() - started };
    } finally {
      await client?.close();
    }
  }
}
