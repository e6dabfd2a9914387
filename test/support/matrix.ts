/**
 * The authorization matrix's machinery: who the principals are and what ARCHITECTURE.md
 * section 4 says each may do where (the expected answer of every cell is derived from that
 * model, not from the code under test), a factory of fresh objects made by staff, and the
 * runner that sends one cell over REST and over GraphQL and checks both give that answer.
 */
import { expect } from 'vitest';
import { ApiClient, type ApiResponse, type TestApi } from './api.js';
import { createAdmin, PASSWORD, type Districts } from './fixtures.js';
import { preHashed } from './accounts.js';

export const DISTRICT1 = 'district1.k12.us';
export const WEST = 'west.district1.k12.us';
export const EAST = 'east.district1.k12.us';
export const DISTRICT2 = 'district2.k12.us';

export type Role = 'staff' | 'postmaster' | 'subdomainAdmin' | 'customSet' | 'apiKey' | 'user';
export const ROLES: Role[] = ['staff', 'postmaster', 'subdomainAdmin', 'customSet', 'apiKey', 'user'];

/** Where a cell's subject lives: a domain, the platform (shared objects), the user's own mailbox, or nowhere (admins). */
export type Place = 'west' | 'east' | 'district2' | 'platform' | 'own' | 'none';
export const DOMAIN_PLACES = ['west', 'east', 'district2'] as const;
export type DomainPlace = (typeof DOMAIN_PLACES)[number];
export const DOMAIN_OF: Record<DomainPlace, string> = { west: WEST, east: EAST, district2: DISTRICT2 };

type Action = 'read' | 'create' | 'update' | 'delete';
export type Subject =
  | 'Domain'
  | 'Account'
  | 'Alias'
  | 'MailingList'
  | 'Group'
  | 'ClassOfService'
  | 'WordList'
  | 'Admin'
  | 'RoleAssignment'
  | 'PermissionSet'
  | 'ApiKey'
  | 'AuditEvent';
export type Right = `${Action}:${Subject}`;

const crud = (subject: Subject): Right[] => [`read:${subject}`, `create:${subject}`, `update:${subject}`, `delete:${subject}`];

/** Every right a postmaster or sub-domain admin holds inside its subtree (the whole registry). */
const DELEGATED = new Set<Right>([
  ...(['Domain', 'Account', 'Alias', 'MailingList', 'Group', 'ClassOfService', 'WordList', 'Admin', 'RoleAssignment', 'PermissionSet', 'ApiKey'] as const).flatMap(crud),
  'read:AuditEvent',
]);
/** The custom permission set held over west: domains read-only, mailboxes without delete, word lists. */
export const CUSTOM_SET_PERMISSIONS = [
  { action: 'read', subject: 'Domain' },
  { action: 'read', subject: 'Account' },
  { action: 'create', subject: 'Account' },
  { action: 'update', subject: 'Account' },
  { action: 'read', subject: 'WordList' },
  { action: 'create', subject: 'WordList' },
  { action: 'update', subject: 'WordList' },
  { action: 'delete', subject: 'WordList' },
] as const;
const CUSTOM_SET = new Set<Right>(CUSTOM_SET_PERMISSIONS.map((p) => `${p.action}:${p.subject}` as Right));
/** Platform-wide objects every administrator may look at (never change). */
const SHARED_READS: Right[] = ['read:ClassOfService', 'read:WordList', 'read:PermissionSet'];
/** A mailbox owner: its own mailbox (password only, not tested here) and its own word lists. */
const OWN = new Set<Right>(['read:Account', ...crud('WordList')]);

interface Profile {
  /** What the guard sees: the right held somewhere (else 403 whatever the subject). */
  anywhere: Set<Right> | 'all';
  /** The domain places inside the principal's scope. */
  reach: Place[];
  /** What it may do inside that scope. */
  inScope: Set<Right>;
}

const PROFILES: Record<Role, Profile> = {
  staff: { anywhere: 'all', reach: ['west', 'east', 'district2', 'platform', 'own', 'none'], inScope: new Set() },
  postmaster: { anywhere: new Set([...DELEGATED, ...SHARED_READS]), reach: ['west', 'east'], inScope: DELEGATED },
  subdomainAdmin: { anywhere: new Set([...DELEGATED, ...SHARED_READS]), reach: ['west'], inScope: DELEGATED },
  customSet: { anywhere: new Set([...CUSTOM_SET, ...SHARED_READS]), reach: ['west'], inScope: CUSTOM_SET },
  apiKey: { anywhere: new Set([...DELEGATED, ...SHARED_READS]), reach: ['west', 'east'], inScope: DELEGATED },
  user: { anywhere: new Set(['read:Account', 'update:Account', ...crud('WordList')]), reach: ['own'], inScope: OWN },
};

const holdsAnywhere = (role: Role, right: Right) => PROFILES[role].anywhere === 'all' || (PROFILES[role].anywhere as Set<Right>).has(right);

/** Can `role` see an object of `subject` at `place` (read it, or find it as a parent)? */
function sees(role: Role, subject: Subject | null, place: Place): boolean {
  if (subject === null || role === 'staff' || place === 'none') return true;
  const profile = PROFILES[role];
  // A mailbox owner sees nothing of the platform's: not even the system word lists (their entries are the filter).
  if (place === 'platform') return role !== 'user' && SHARED_READS.includes(`read:${subject}`);
  return profile.reach.includes(place) && profile.inScope.has(`read:${subject}`);
}

/** May `role` do `right` to an object it can see at `place`? Platform-wide objects change by staff only. */
function may(role: Role, right: Right, place: Place): boolean {
  if (role === 'staff') return true;
  if (place === 'platform') return right.startsWith('read:');
  if (place === 'none') return holdsAnywhere(role, right);
  return PROFILES[role].inScope.has(right);
}

/** What a cell must answer: a status, a 400 naming a field, or a 200 list that does / does not hold the subject. */
export type Outcome = { status: 200 | 201 | 204 | 403 | 404 } | { status: 400; field: string } | { status: 200; list: 'listed' | 'unlisted' };

export interface RestCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}
export interface GraphqlCall {
  query: string;
  variables: Record<string, unknown>;
  /** The top-level field of `data` that answers. */
  field: string;
}

export interface Operation<T = any> {
  /** e.g. `aliases.update`. */
  name: string;
  place: Place;
  /** What the route declares (the guard's question). */
  right: Right;
  /** The subject whose visibility decides 404: the object itself, its parent domain, or null (nothing to find). */
  via: Subject | null;
  /** A fixture, or a fresh object / fresh names (called once for REST and once for GraphQL when `fresh`). */
  target: () => T | Promise<T>;
  fresh?: boolean;
  rest: (target: T) => RestCall;
  graphql: ((target: T) => GraphqlCall) | null;
  success: 200 | 201 | 204;
  /** The answer when the subject (or its parent) is out of sight: 404, or 400 naming a body field. */
  hidden?: Outcome;
  /** The answer when the subject is in sight but the change is not allowed (default 403). */
  denied?: Outcome;
  /** For lists: how to read the returned keys, and the key of the subject. */
  list?: { key: (target: T) => string; rest: (body: any) => string[]; graphql: (value: any) => string[] };
  /** Only these roles (e.g. the user's own mailbox). */
  roles?: Role[];
}

export function expectedOutcome(role: Role, op: Operation): Outcome {
  if (!holdsAnywhere(role, op.right)) return { status: 403 };
  const subject = op.right.split(':')[1] as Subject;
  if (!sees(role, op.via, op.place)) return op.hidden ?? (op.list ? { status: 200, list: 'unlisted' } : { status: 404 });
  if (op.list) return { status: 200, list: sees(role, subject, op.place) ? 'listed' : 'unlisted' };
  if (!may(role, op.right, op.place)) return op.denied ?? { status: 403 };
  return { status: op.success };
}

export function describeOutcome(outcome: Outcome) {
  if ('list' in outcome) return `200 ${outcome.list}`;
  if ('field' in outcome) return `400 ${outcome.field}`;
  return String(outcome.status);
}

const GRAPHQL_CODE: Record<number, string> = { 400: 'BAD_USER_INPUT', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

export function send(client: ApiClient, call: RestCall): Promise<ApiResponse> {
  switch (call.method) {
    case 'GET':
      return client.get(call.path);
    case 'POST':
      return client.post(call.path, call.body);
    case 'PATCH':
      return client.patch(call.path, call.body);
    case 'DELETE':
      return client.delete(call.path);
  }
}

const short = (value: unknown) => JSON.stringify(value)?.slice(0, 400);

/** Sends the cell over REST and GraphQL and checks both against the expected outcome. */
export async function runCell(client: ApiClient, op: Operation, expected: Outcome) {
  const restTarget = await op.target();
  const rest = await send(client, op.rest(restTarget));
  const restWhat = `REST ${op.rest(restTarget).method} ${op.rest(restTarget).path} -> ${rest.status} ${short(rest.body)}`;
  expect.soft(rest.status, restWhat).toBe(expected.status);
  if ('field' in expected) expect.soft(rest.body?.errors?.[0]?.field, restWhat).toBe(expected.field);
  if ('list' in expected && rest.status === 200) {
    const keys = op.list!.rest(rest.body);
    expect.soft(keys.includes(op.list!.key(restTarget)), `${restWhat}: ${expected.list}`).toBe(expected.list === 'listed');
  }

  if (!op.graphql) return;
  const gqlTarget = op.fresh ? await op.target() : restTarget;
  const call = op.graphql(gqlTarget);
  const answer = await client.graphql(call.query, call.variables);
  const gqlWhat = `GraphQL ${call.field} -> ${short(answer)}`;
  if (expected.status < 300) {
    expect.soft(answer.errors, gqlWhat).toBeUndefined();
    expect.soft(answer.data?.[call.field], gqlWhat).toBeTruthy();
    if ('list' in expected && answer.data?.[call.field]) {
      const keys = op.list!.graphql(answer.data[call.field]);
      expect.soft(keys.includes(op.list!.key(gqlTarget)), `${gqlWhat}: ${expected.list}`).toBe(expected.list === 'listed');
    }
  } else {
    expect.soft(answer.errors?.[0]?.extensions?.code, gqlWhat).toBe(GRAPHQL_CODE[expected.status]);
    expect.soft(answer.data?.[call.field] ?? null, gqlWhat).toBeNull();
    if ('field' in expected) expect.soft((answer.errors?.[0]?.extensions as any)?.errors?.[0]?.field, gqlWhat).toBe(expected.field);
  }
}

let counter = 0;
/** A name no other cell uses (lower-case, valid as a DNS label, a local part or a set name). */
export const unique = (prefix: string) => `${prefix}${++counter}`;

async function created<T = any>(what: string, promise: Promise<ApiResponse<T>>): Promise<T> {
  const response = await promise;
  if (response.status !== 201 && response.status !== 200) throw new Error(`creating ${what} failed: ${response.status} ${short(response.body)}`);
  return response.body;
}

export interface AdminFixture {
  id: number;
  username: string;
  assignmentId: number;
}

/** Objects made by staff through the API (admins straight in the tables, as seedDistricts does). */
export class Factory {
  constructor(private readonly api: TestApi) {}

  private get staff() {
    return this.api.staff;
  }

  async subdomain(parent: string, prefix = 'sub') {
    const name = `${unique(prefix)}.${parent}`;
    await created(name, this.staff.post('/domains', { name, parent }));
    return name;
  }

  async account(domain: string, localPart = unique('mbx')) {
    await created(localPart, this.staff.post(`/domains/${domain}/accounts`, { localPart, passwordHash: await preHashed() }));
    return `${localPart}@${domain}`;
  }

  async alias(domain: string) {
    return (await created('alias', this.staff.post(`/domains/${domain}/aliases`, { localPart: unique('alias'), targets: ['someone@example.org'] }))).address as string;
  }

  async mailingList(domain: string) {
    return (await created('list', this.staff.post(`/domains/${domain}/lists`, { localPart: unique('list'), name: 'Matrix list' }))).address as string;
  }

  async group(domain: string) {
    return (await created('group', this.staff.post(`/domains/${domain}/groups`, { localPart: unique('group'), name: 'Matrix group' }))).address as string;
  }

  /** A class of service owned by `domain`, or platform-wide when null. */
  async classOfService(domain: string | null) {
    const name = unique('cos');
    await created(name, this.staff.post('/classes-of-service', { name, maxMessageSizeKb: 1024, mailboxQuotaMb: 100, maxRecipients: 10, ...(domain ? { domain } : {}) }));
    return name;
  }

  async wordList(owner: { scope: 'system' } | { scope: 'domain'; domain: string } | { scope: 'account'; account: string }) {
    const body = await created('word list', this.staff.post('/word-lists', { name: unique('words'), entries: ['matrix'], ...owner }));
    return { id: body.id as number, name: body.name as string };
  }

  async permissionSet(domain: string | null) {
    const name = unique('set');
    await created(name, this.staff.post('/permission-sets', { name, permissions: [{ action: 'read', subject: 'Domain' }], ...(domain ? { domain } : {}) }));
    return name;
  }

  async apiKey(domain: string) {
    const body = await created('API key', this.staff.post('/api-keys', { name: unique('key'), role: 'subdomain-admin', domain }));
    return { id: body.id as number, name: body.name as string };
  }

  /** An administrator (it never signs in) holding `grant` at `domain`, given by staff through the API. */
  async admin(domain: string, grant: { role: 'subdomain-admin' } | { permissionSet: string } = { role: 'subdomain-admin' }): Promise<AdminFixture> {
    const username = unique('admin');
    const admin = await this.api.prisma.admin.create({ data: { username, passwordHash: '(cannot sign in)' } });
    const assignment = await created('assignment', this.staff.post(`/admins/${admin.id}/assignments`, { ...grant, domain }));
    return { id: admin.id, username, assignmentId: assignment.id };
  }
}

export type Principals = Record<Role, ApiClient>;

/** The six principals of the matrix on top of seedDistricts. */
export async function principals(api: TestApi, people: Districts): Promise<Principals & { userAddress: string }> {
  await api.prisma.permissionSet.create({ data: { name: 'matrix-west-set', permissions: CUSTOM_SET_PERMISSIONS as never } });
  await createAdmin(api, 'setadmin', [{ permissionSet: 'matrix-west-set', domain: WEST }]);
  const key = await created('postmaster API key', api.staff.post('/api-keys', { name: 'cms', role: 'postmaster', domain: DISTRICT1 }));
  const userPassword = 'matrix-mailbox-pass-1';
  await created('owner mailbox', api.staff.post(`/domains/${WEST}/accounts`, { localPart: 'owner', password: userPassword }));
  return {
    staff: people.staff,
    postmaster: people.postmaster1,
    subdomainAdmin: people.westAdmin,
    customSet: await api.login('setadmin', PASSWORD),
    apiKey: new ApiClient(api.baseUrl, key.secret),
    user: await api.login(`owner@${WEST}`, userPassword),
    userAddress: `owner@${WEST}`,
  };
}
