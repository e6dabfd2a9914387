import { Inject, Injectable } from '@nestjs/common';
import { accessibleBy } from '@schoolmail/rbac';
import { extractScannableText, idsOfPath, WordListCache, type ScannableText, type WordListDefinition } from '@schoolmail/mail-engine';
import { PRISMA, type Database } from '../database/database.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { testWordListsInput } from './word-list-test.schemas.js';

/**
 * Dry run of the word lists on a message for one mailbox: the lists that would apply, what
 * matched and the resulting action. Nothing is sent or stored.
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
      select: { id: true, address: true, domain: { select: { path: true } } },
    });
    if (!account) throw AppError.notFound('account', input.account);

    // The system lists, the lists of the account's domain and of every parent domain, and its own.
    const heads = await this.prisma.wordList.findMany({
      where: {
        OR: [{ scope: 'system' }, { scope: 'domain', domainId: { in: idsOfPath(account.domain.path) } }, { scope: 'account', accountId: account.id }],
        direction: { in: [direction, 'both'] },
      },
      select: { id: true, name: true, scope: true, action: true, direction: true, version: true },
      orderBy: { id: 'asc' },
    });
    const compiled = await this.compiled.obtain(heads, () => this.withEntries(heads));
    const texts: ScannableText[] =
      input.raw !== undefined
        ? await extractScannableText(Buffer.from(input.raw, 'utf8'))
        : [
            { where: 'subject', text: input.subject ?? '' },
            { where: 'text', text: input.body ?? '' },
          ];
    const result = compiled.scan(texts, direction);
    // This answer is for administrators and names the matched entries; the SMTP reply to a
    // rejected message never echoes them (550 5.7.1 with a generic text).
    return {
      account: account.address,
      direction,
      action: result.verdict.action,
      matches: result.matches,
      truncated: result.truncated,
      lists: result.verdict.lists,
      checked: heads.map(({ id, name, scope, action, direction: listDirection }) => ({ id, name, scope, action, direction: listDirection })),
    };
  }

  private async withEntries(heads: Array<Omit<WordListDefinition, 'entries'>>): Promise<WordListDefinition[]> {
    const rows = await this.prisma.wordListEntry.findMany({ where: { wordListId: { in: heads.map((head) => head.id) } }, select: { wordListId: true, text: true } });
    const entries = new Map<number, string[]>(heads.map((head) => [head.id, []]));
    for (const row of rows) entries.get(row.wordListId)!.push(row.text);
    return heads.map((head) => ({ ...head, entries: entries.get(head.id)! }));
  }
}
