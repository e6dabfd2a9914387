export type ListKind = 'list' | 'group';
export const POSTING_POLICIES = ['anyone', 'members', 'owners'] as const;
export type PostingPolicy = (typeof POSTING_POLICIES)[number];

export const POLICY_LABEL: Record<PostingPolicy, string> = {
  anyone: 'Anyone, even from outside',
  members: 'Members only',
  owners: 'Owners only (announcements)',
};

/** GET /api/v1/domains/{d}/lists and /domains/{d}/groups items (groups have no posting policy) */
export interface ListView {
  address: string;
  localPart: string;
  domain: string;
  name: string | null;
  postingPolicy?: PostingPolicy;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  address: string;
  isOwner?: boolean;
  displayName?: string | null;
  addedAt: string;
}

/** Mailing lists (any address, posting policy) and groups (accounts only) share the screens. */
export const KIND = {
  list: { plural: 'Mailing lists', one: 'mailing list', collection: 'lists', subject: 'MailingList' },
  group: { plural: 'Groups', one: 'group', collection: 'groups', subject: 'Group' },
} as const;
