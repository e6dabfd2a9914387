/**
 * Step 5: DATA. Before reading: who the message goes to (aliases, lists and groups expanded;
 * members that cannot receive skipped) and how big it may be (the smallest maximum of the
 * authenticated sender's and every local recipient's class of service: 552 5.3.4). After
 * reading: loop detection (more than 25 Received headers: 554 5.4.6), then the content
 * checks: the attachment limit (552 5.3.4) and the word lists: the inbound lists of each
 * local recipient and the outbound lists of an authenticated sender. A whitelisted sender or
 * trusted network of an acceptance policy skips only the rules owned at its level or
 * narrower (acceptance/waivers.ts): a district's policy never skips the system lists. The
 * strictest action wins per recipient; `reject` refuses the whole message (550 5.7.1,
 * naming no word).
 */
import type { SMTPServerSession } from 'smtp-server';
import { resolveAcceptancePolicy, type AcceptanceDecision } from '../acceptance/resolve-policy.js';
import { applicableWordLists } from '../acceptance/waivers.js';
import { extractScannableText } from '../mime/extract.js';
import { strictestAction, type MailDirection, type MatchedList, type ScannableText, type WordListAction, type WordListMatch, type WordListScanResult } from '../policy/types.js';
import { largestAttachmentBytes } from './attachments.js';
import { stateOf, userOf, type PipelineContext } from './context.js';
import { countReceived } from './headers.js';
import type { MailboxInfo } from './recipients.js';
import { refuse } from './replies.js';
import type { TrustedClients } from './trust.js';

export interface DeliveryPlan {
  /** Local mailboxes, each once. */
  local: MailboxInfo[];
  /** Remote addresses, each once. */
  remote: string[];
  /** Remote address -> domain path of the local alias or list it was reached through (the first one). */
  forwardedBy: Map<string, string>;
  maxBytes: number;
}

export async function planDelivery(ctx: PipelineContext, session: SMTPServerSession, serverMaxBytes: number): Promise<DeliveryPlan> {
  const transaction = stateOf(session).transaction;
  const accountIds: number[] = [];
  const directIds = new Set<number>();
  const remote = new Set<string>();
  const forwardedBy = new Map<string, string>();
  for (const { resolution } of transaction.recipients.values()) {
    if (resolution.kind === 'remote') remote.add(resolution.address);
    else if (resolution.kind !== 'unknown') {
      accountIds.push(...resolution.accountIds);
      for (const address of resolution.remote) {
        remote.add(address);
        if (!forwardedBy.has(address)) forwardedBy.set(address, resolution.domain.path);
      }
      if (resolution.kind === 'account') resolution.accountIds.forEach((id) => directIds.add(id));
    }
  }
  const mailboxes = await ctx.directory.mailboxes(accountIds);
  // A member of an alias, list or group that is suspended or full is skipped (the others
  // still get the message); a direct recipient passed these checks at RCPT TO.
  const local = [...mailboxes.values()].filter(
    (m) => directIds.has(m.accountId) || (m.status !== 'suspended' && m.usedBytes < m.quotaBytes),
  );
  let maxBytes = serverMaxBytes;
  if (transaction.senderMailbox) maxBytes = Math.min(maxBytes, transaction.senderMailbox.maxMessageBytes);
  for (const mailbox of local) maxBytes = Math.min(maxBytes, mailbox.maxMessageBytes);
  return { local, remote: [...remote], forwardedBy, maxBytes };
}

export type RecipientAction = 'deliver' | 'tag' | 'quarantine';

export interface Verdict {
  action: RecipientAction;
  /** Lists that matched (all actions), for the tag header and the quarantine entry. */
  lists: MatchedList[];
  matches: WordListMatch[];
}

export interface ContentDecision {
  local: Array<{ mailbox: MailboxInfo; verdict: Verdict }>;
  /** The outbound verdict, which is all that applies to remote recipients. */
  remote: Verdict;
  subject: string | null;
}

const CLEAN: Verdict = { action: 'deliver', lists: [], matches: [] };

function combine(results: Array<WordListScanResult | null>): Verdict {
  const found = results.filter((r): r is WordListScanResult => r !== null && r.verdict.action !== null);
  if (found.length === 0) return CLEAN;
  const action = strictestAction(found.map((r) => r.verdict.action!)) as WordListAction;
  if (action === 'reject') throw refuse.contentRefused();
  return { action, lists: found.flatMap((r) => r.verdict.lists), matches: found.flatMap((r) => r.matches) };
}

const listsFor = async (ctx: PipelineContext, mailbox: MailboxInfo, direction: MailDirection, decision: AcceptanceDecision) =>
  (await applicableWordLists(ctx.db, mailbox.wordLists, direction, decision)).apply.map((list) => list.id);

/** A client the engine's own configuration trusts (SCHOOLMAIL_TRUSTED_NETWORKS): everything is waived, as by staff. */
const TRUSTED_BY_CONFIG: AcceptanceDecision = {
  skipContentChecks: true,
  reason: 'trusted network of the engine configuration',
  waivers: [{ at: { level: 'server' }, reason: 'trusted network of the engine configuration' }],
  maxAttachmentKb: null,
};

export async function checkContent(ctx: PipelineContext, trusted: TrustedClients, session: SMTPServerSession, plan: DeliveryPlan, raw: Buffer): Promise<ContentDecision> {
  const state = stateOf(session);
  const transaction = state.transaction;
  const user = userOf(session);
  if (countReceived(raw) > ctx.config.maxReceivedHeaders) throw refuse.mailLoop();

  const trustedClient = trusted.byConfig(state.clientIp);
  const query = { clientIp: state.clientIp, sender: transaction.sender, senderAccountId: user?.accountId ?? null };
  const [senderPolicy, localPolicies] = trustedClient
    ? [TRUSTED_BY_CONFIG, plan.local.map(() => TRUSTED_BY_CONFIG)]
    : await Promise.all([
        resolveAcceptancePolicy(ctx.db, query),
        Promise.all(plan.local.map((mailbox) => resolveAcceptancePolicy(ctx.db, { ...query, recipientAccountId: mailbox.accountId }))),
      ]);

  // Each decision's limit is already the strictest one that no waiver of it covers.
  const decisions = [...localPolicies, ...(plan.remote.length ? [senderPolicy] : [])];
  const limits = decisions.map((p) => p.maxAttachmentKb).filter((kb): kb is number => kb !== null);
  if (limits.length) {
    const maxKb = Math.min(...limits);
    if ((await largestAttachmentBytes(raw)) > maxKb * 1024) throw refuse.attachmentTooBig(maxKb);
  }

  let texts: Promise<ScannableText[]> | undefined;
  const scans = new Map<string, Promise<WordListScanResult | null>>();
  const scan = (listIds: number[], direction: MailDirection): Promise<WordListScanResult | null> => {
    if (listIds.length === 0) return Promise.resolve(null);
    const key = `${direction}:${[...listIds].sort((a, b) => a - b).join(',')}`;
    let result = scans.get(key);
    if (!result) {
      result = ctx.wordLists.compiled(listIds).then(async (compiled) => (compiled ? compiled.scan(await (texts ??= extractScannableText(raw)), direction) : null));
      scans.set(key, result);
    }
    return result;
  };

  const outbound = transaction.senderMailbox ? await scan(await listsFor(ctx, transaction.senderMailbox, 'outbound', senderPolicy), 'outbound') : null;
  const local = await Promise.all(
    plan.local.map(async (mailbox, i) => {
      const inbound = await scan(await listsFor(ctx, mailbox, 'inbound', localPolicies[i]!), 'inbound');
      return { mailbox, verdict: combine([outbound, inbound]) };
    }),
  );
  const subject = texts ? ((await texts).find((t) => t.where === 'subject')?.text ?? null) : null;
  return { local, remote: combine([outbound]), subject };
}

/** Reads the message into memory up to `maxBytes`; past that it is drained and `raw` is null. */
export function readBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<{ raw: Buffer | null; size: number }> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks = [];
    });
    stream.once('error', reject);
    stream.once('end', () => resolve({ raw: size <= maxBytes ? Buffer.concat(chunks, size) : null, size }));
  });
}
