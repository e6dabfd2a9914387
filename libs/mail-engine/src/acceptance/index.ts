/**
 * Acceptance: the policies that let trusted senders and networks skip content refusals
 * (each only those owned at its level or narrower: waivers.ts),
 * "send as" rights, and the quarantine of held messages.
 */
export { parseNetwork, parseIp, networkContains, findNetwork, ipv4Breadth, type Network } from './cidr.js';
export { parseSenderPattern, senderMatches, senderParts, type SenderPattern } from './sender-patterns.js';
export {
  resolveAcceptancePolicy,
  invalidateAcceptancePolicies,
  AcceptancePolicyResolver,
  describeLevel,
  type AcceptanceDb,
  type AcceptanceQuery,
  type AcceptanceDecision,
  type PolicyLevelRef,
} from './resolve-policy.js';
export {
  applicableWordLists,
  covers,
  ownerOfLevel,
  waiverOf,
  wordListOwners,
  type ApplicableWordLists,
  type RuleOwner,
  type Waiver,
  type WordListOwnerDb,
} from './waivers.js';
export { sendAsAllowed, type SendAsDb } from './send-as.js';
export {
  PrismaQuarantine,
  QuarantineDecisionError,
  releaseQuarantined,
  releaseQuarantinedIn,
  deleteQuarantined,
  deleteQuarantinedIn,
  purgeDecidedQuarantine,
  startQuarantinePurger,
  stateOf,
  stateWhere,
  type QuarantineState,
  type ReleaseTargets,
  type Decided,
} from './quarantine.js';
export { previewMessage, sanitizeMessageHtml, type MessagePreview } from './quarantine-preview.js';
