import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy, subject, type AppAbility } from '@schoolmail/rbac';
import type { Prisma, WordListAction, WordListDirection } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { assertVersion } from '../common/etag.js';
import { visibleDomain } from '../domains/domains.service.js';
import { entriesFromText, MAX_ENTRIES_PER_LIST, sortEntries } from './word-list.entries.js';
import { createWordListInput, importWordListInput, listWordListsQuery, updateWordListInput, type CreateWordListInput } from './word-list.schemas.js';
import { auditDomainOf, entriesOf, presentWordList, visibleWordList, wordListInclude, type WordListRow } from './word-lists.view.js';

/** Audit rows stay small: a 10,000-entry import is recorded with its counts and a sample. */
const AUDITED_ENTRIES = 1000;
const sample = (entries: string[]) => sortEntries(entries).slice(0, AUDITED_ENTRIES);

interface EntryChange {
  replace?: string[];
  add?: string[];
  remove?: string[];
}

interface Placement {
  domainId: number | null;
  accountId: number | null;
  probe: ReturnType<typeof subject>;
  auditDomain: { id: number; path: string } | null;
}

const sameName = (name: string) => ({ name: { equals: name, mode: 'insensitive' as const } });

@Injectable()
export class WordListsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
  ) {}

  /** Where a new list goes and the object to ask the ability about; 400 naming an unknown domain or mailbox. */
  private async placement(tx: Tx, ability: AppAbility, input: CreateWordListInput): Promise<Placement> {
    if (input.scope === 'domain') {
      const domain = await visibleDomain(tx, ability, input.domain!).catch(() => {
        throw AppError.invalid('domain', `unknown domain "${input.domain}"`);
      });
      const probe = subject('WordList', { scope: 'domain', domainId: domain.id, accountId: null, domain, account: null } as never);
      return { domainId: domain.id, accountId: null, probe, auditDomain: domain };
    }
    if (input.scope === 'account') {
      const account = await tx.account.findFirst({
        where: { AND: [accessibleBy(ability, 'read').Account, { address: input.account! }] },
        select: { id: true, domain: { select: { id: true, path: true, depth: true } } },
      });
      if (!account) throw AppError.invalid('account', `unknown mailbox "${input.account}"`);
      const probe = subject('WordList', { scope: 'account', domainId: null, accountId: account.id, domain: null, account } as never);
      return { domainId: null, accountId: account.id, probe, auditDomain: account.domain };
    }
    const probe = subject('WordList', { scope: 'system', domainId: null, accountId: null, domain: null, account: null } as never);
    return { domainId: null, accountId: null, probe, auditDomain: null };
  }

  private async assertNameFree(tx: Tx, owner: { scope: string; domainId: number | null; accountId: number | null }, name: string, selfId?: number) {
    const taken = await tx.wordList.findFirst({
      where: { scope: owner.scope as never, domainId: owner.domainId, accountId: owner.accountId, ...sameName(name), ...(selfId ? { id: { not: selfId } } : {}) },
    });
    if (taken) throw AppError.conflict(`a word list named "${taken.name}" already exists here (id ${taken.id})`, 'name');
  }

  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createWordListInput, rawInput);
    return this.prisma.$transaction(async (tx) => {
      const place = await this.placement(tx, actor.ability, input);
      if (!actor.ability.can('create', place.probe as never)) {
        throw new AppError('FORBIDDEN', input.scope === 'system' ? 'only platform staff may create system word lists' : `you may not create word lists for this ${input.scope}`);
      }
      await this.assertNameFree(tx, { scope: input.scope, domainId: place.domainId, accountId: place.accountId }, input.name);
      const entries = input.entries ?? [];
      const created = await tx.wordList.create({
        data: {
          name: input.name,
          scope: input.scope,
          domainId: place.domainId,
          accountId: place.accountId,
          action: input.action ?? 'reject',
          direction: input.direction ?? 'both',
          entries: { createMany: { data: entries.map((text) => ({ text })) } },
        },
        include: wordListInclude,
      });
      const view = presentWordList(created, sortEntries(entries));
      await this.audit.record(tx, actor, {
        action: 'wordList.create',
        subjectType: 'WordList',
        subjectId: created.id,
        domain: place.auditDomain,
        after: { ...view, entries: sample(entries) },
      });
      return view;
    });
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listWordListsQuery, rawQuery);
    const filters: Prisma.WordListWhereInput[] = [accessibleBy(actor.ability, 'read').WordList];
    if (query.scope) filters.push({ scope: query.scope });
    if (query.domain) filters.push({ OR: [{ domain: { name: query.domain } }, { account: { domain: { name: query.domain } } }] });
    if (query.account) filters.push({ account: { address: query.account } });
    if (query.q) filters.push({ name: { contains: query.q, mode: 'insensitive' } });
    const page = keyset<WordListRow>({ sortField: 'name', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.wordList.findMany({
      where: { AND: [...filters, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: wordListInclude,
    });
    return page.page(rows, (row) => presentWordList(row));
  }

  async get(actor: Actor, id: string | number) {
    const row = await visibleWordList(this.prisma, actor.ability, id);
    return presentWordList(row, await entriesOf(this.prisma, row.id));
  }

  /** The entries as text/plain, one per line, sorted. */
  async exportText(actor: Actor, id: string | number) {
    const row = await visibleWordList(this.prisma, actor.ability, id);
    const entries = await entriesOf(this.prisma, row.id);
    return entries.length ? `${entries.join('\n')}\n` : '';
  }

  async update(actor: Actor, id: string | number, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(updateWordListInput, rawInput);
    const { entries, addEntries, removeEntries, ...fields } = input;
    return this.write(actor, id, expectedVersion, 'wordList.update', fields, { replace: entries, add: addEntries, remove: removeEntries });
  }

  /** Merges one entry per line (text/plain or `{ "text" }`) into the list. */
  async importEntries(actor: Actor, id: string | number, rawInput: unknown, expectedVersion?: number) {
    const input = parseInput(importWordListInput, rawInput);
    const parsed = entriesFromText(input.text);
    if ('error' in parsed) throw AppError.invalid('text', parsed.error);
    return this.write(actor, id, expectedVersion, 'wordList.import', {}, { add: parsed.entries });
  }

  private write(
    actor: Actor,
    id: string | number,
    expectedVersion: number | undefined,
    auditAction: string,
    fields: { name?: string; action?: WordListAction; direction?: WordListDirection },
    change: EntryChange,
  ) {
    return this.prisma.$transaction(async (tx) => {
      const row = await visibleWordList(tx, actor.ability, id);
      if (!actor.ability.can('update', subject('WordList', row))) {
        throw new AppError('FORBIDDEN', row.scope === 'system' ? 'only platform staff may change system word lists' : 'you may not change this word list');
      }
      assertVersion(row.version, expectedVersion);
      if (fields.name !== undefined && fields.name.toLowerCase() !== row.name.toLowerCase()) await this.assertNameFree(tx, row, fields.name, row.id);
      const current = new Set(await entriesOf(tx, row.id));
      const next = new Set(change.replace ?? current);
      for (const entry of change.add ?? []) next.add(entry);
      for (const entry of change.remove ?? []) next.delete(entry);
      if (next.size > MAX_ENTRIES_PER_LIST) {
        throw AppError.invalid('entries', `at most ${MAX_ENTRIES_PER_LIST} entries per list; this change would leave ${next.size}`);
      }
      const added = [...next].filter((entry) => !current.has(entry));
      const removed = [...current].filter((entry) => !next.has(entry));
      const updated = await tx.wordList.updateMany({ where: { id: row.id, version: row.version }, data: { ...fields, version: { increment: 1 } } });
      if (updated.count === 0) throw new AppError('PRECONDITION_FAILED', 'the word list changed while this update ran; read it again and retry');
      if (removed.length) await tx.wordListEntry.deleteMany({ where: { wordListId: row.id, text: { in: removed } } });
      if (added.length) await tx.wordListEntry.createMany({ data: added.map((text) => ({ wordListId: row.id, text })) });
      const after = presentWordList(await tx.wordList.findUniqueOrThrow({ where: { id: row.id }, include: wordListInclude }), sortEntries(next));
      await this.audit.record(tx, actor, {
        action: auditAction,
        subjectType: 'WordList',
        subjectId: row.id,
        domain: auditDomainOf(row),
        before: presentWordList(row),
        after: { ...after, entries: undefined, entriesAdded: added.length, entriesRemoved: removed.length, added: sample(added), removed: sample(removed) },
      });
      return after;
    });
  }

  /** Deletes a list with its entries; one still applied by a class of service answers 409. */
  async remove(actor: Actor, id: string | number) {
    await this.prisma.$transaction(async (tx) => {
      const row = await visibleWordList(tx, actor.ability, id);
      if (!actor.ability.can('delete', subject('WordList', row))) {
        throw new AppError('FORBIDDEN', row.scope === 'system' ? 'only platform staff may delete system word lists' : 'you may not delete this word list');
      }
      const users = await tx.classOfService.findMany({ where: { wordLists: { some: { id: row.id } } }, select: { name: true }, orderBy: { name: 'asc' } });
      if (users.length) {
        throw AppError.conflict(`word list ${row.id} is still applied by ${users.length} class(es) of service: ${users.map((c) => c.name).join(', ')}`);
      }
      const entries = await entriesOf(tx, row.id);
      await tx.wordList.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, {
        action: 'wordList.delete',
        subjectType: 'WordList',
        subjectId: row.id,
        domain: auditDomainOf(row),
        before: { ...presentWordList(row), entries: sample(entries) },
      });
    });
  }
}
