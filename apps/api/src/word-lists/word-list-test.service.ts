import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy } from '@schoolmail/rbac';
import {
  applicableWordLists,
  extractScannableText,
  loadEffectiveSettings,
  resolveAcceptancePolicy,
  WordListCache,
  type AcceptanceDecision,
  type ScannableText,
  type WordListDefinition,
} from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { testWordListsInput, type TestWordListsInput } from './word-list-test.schemas.js';

const NO_WAIVERS: Pick<AcceptanceDecision, 'waivers'> = { waivers: [] };

/**
 * Dry run of the word lists on a message for one mailbox: the lists that would apply, what
 * matched and the resulting action. Nothing is sent or stored.
 *
 * The lists are the ones SMTP applies, through the same functions: the mailbox's effective
 * settings (system, domain chain, its own and its class of service's lists), then
 * `applicableWordLists`, which takes out what an acceptance-policy waiver skips when the
 * request names a sender or a client address (inbound as received on the MX, outbound as
 * sent by the mailbox after AUTH). The engine's own configured trusted networks
 * (SCHOOLMAIL_TRUSTED_NETWORKS) are not known to the API.
 */
@Injectable()
export class WordListTestService {
  /** Compiled sets by list ids + versions: an edit bumps a version, so the next test recompiles. */
  private readonly compiled = new WordListCache({ maxSize: 16 });

  constructor(@Inject(PRISMA) private readonly prisma: Database) {}

  async test(actor: Actor, rawInput: unknown) {
    const input = parseInput(testWordListsInput, rawInput);
    const direction = input.direction ?? 'inbound';
    const account = await this.prisma.account.findFirst({
      where: { AND: [accessibleBy(actor.ability, 'read').Account, { address: input.account }] },
      select: { id: true, address: true },
    });
    if (!account) throw AppError.notFound('account', input.account);

    const effective = (await loadEffectiveSettings(this.prisma, [account.id])).get(account.id);
    const decision = await this.decisionFor(input, account.id, direction);
    const { apply, waived } = await applicableWordLists(this.prisma, effective?.wordLists ?? [], direction, decision);
    const rows = await this.prisma.wordList.findMany({
      where: { id: { in: apply.map((list) => list.id) } },
      select: { id: true, name: true, scope: true, action: true, direction: true, version: true },
    });
    // In the order the effective settings give: system, domain chain, own, class of service.
    const heads = apply.flatMap((list) => rows.filter((row) => row.id === list.id));
    const compiled = await this.compiled.obtain(heads, () => this.withEntries(heads));
    const texts: ScannableText[] =
      input.raw !== undefined
        ? await extractScannableText(Buffer.from(input.raw, 'utf8'))
        : [
            { where: 'subject', text: input.subject ?? '' },
            { where: 'text', text: input.body ?? '' },
          ];
    const result = compiled.scan(texts, direction);
    // This answer names the matched entries, but only of lists the actor may read (GET
    // /word-lists/{id}): a mailbox owner testing its own mail learns which system or domain
    // list matched and what it matched in the message, never the list's entry. The SMTP reply
    // to a rejected message names neither (550 5.7.1 with a generic text).
    const readable = await this.readableIds(actor, [...new Set(result.matches.map((match) => match.listId))]);
    return {
      account: account.address,
      direction,
      action: result.verdict.action,
      matches: result.matches.map((match) => (readable.has(match.listId) ? match : { ...match, entry: null })),
      truncated: result.truncated,
      lists: result.verdict.lists,
      checked: heads.map(({ id, name, scope, action, direction: listDirection }) => ({ id, name, scope, action, direction: listDirection })),
      waived: waived.map(({ list, waiver }) => ({ id: list.id, name: list.name, scope: list.scope, action: list.action, direction: list.direction, reason: waiver.reason })),
    };
  }

  /** The acceptance decision SMTP would reach for this sender and client; none asked, no waiver. */
  private async decisionFor(input: TestWordListsInput, accountId: number, direction: 'inbound' | 'outbound') {
    if (input.sender === undefined && input.clientIp === undefined) return NO_WAIVERS;
    return resolveAcceptancePolicy(this.prisma, {
      clientIp: input.clientIp ?? null,
      sender: input.sender ?? null,
      ...(direction === 'inbound' ? { recipientAccountId: accountId } : { senderAccountId: accountId }),
    });
  }

  private async readableIds(actor: Actor, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.wordList.findMany({ where: { AND: [accessibleBy(actor.ability, 'read').WordList, { id: { in: ids } }] }, select: { id: true } });
    return new Set(rows.map((row) => row.id));
  }

  private async withEntries(heads: Array<Omit<WordListDefinition, 'entries'>>): Promise<WordListDefinition[]> {
    const rows = await this.prisma.wordListEntry.findMany({ where: { wordListId: { in: heads.map((head) => head.id) } }, select: { wordListId: true, text: true } });
    const entries = new Map<number, string[]>(heads.map((head) => [head.id, []]));
    for (const row of rows) entries.get(row.wordListId)!.push(row.text);
    return heads.map((head) => ({ ...head, entries: entries.get(head.id)! }));
  }
}
