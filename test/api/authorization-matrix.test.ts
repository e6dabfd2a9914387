/**
 * The authorization matrix (ARCHITECTURE.md section 4): every principal x every operation x
 * a subject in scope and out of scope, each cell sent over REST and over GraphQL, both
 * checked against the answer the delegation model gives (2xx, 403 in scope without the
 * right, 404 out of scope, or a 400 naming the field for creates into an unseen domain).
 * Then the invariants: no granting beyond one's own rights or scope, several admins per
 * domain, and lists that show a sub-domain admin nothing outside its subtree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type ApiClient, type ApiResponse, type TestApi } from '../support/api.js';
import { createAdmin, PASSWORD, seedDistricts } from '../support/fixtures.js';
import { preHashed } from '../support/accounts.js';
import {
  DISTRICT1,
  DISTRICT2,
  DOMAIN_OF,
  DOMAIN_PLACES,
  EAST,
  WEST,
  describeOutcome,
  expectedOutcome,
  Factory,
  principals,
  ROLES,
  runCell,
  send,
  unique,
  type AdminFixture,
  type DomainPlace,
  type Operation,
  type Principals,
  type RestCall,
  type Role,
} from '../support/matrix.js';

interface Named {
  id: number;
  name: string;
}
interface PlaceFixtures {
  domain: string;
  subdomain: string;
  account: string;
  alias: string;
  list: string;
  group: string;
  classOfService: string;
  domainWordList: Named;
  accountWordList: Named;
  admin: AdminFixture;
  apiKey: Named;
  permissionSet: string;
}

let api: TestApi;
let who: Principals & { userAddress: string };
let make: Factory;
const places = {} as Record<DomainPlace, PlaceFixtures>;
const platform = {} as { classOfService: string; permissionSet: string; systemWordList: Named };
const own = {} as { account: string; wordList: Named };
const READERS_SET = 'matrix-readers';

beforeAll(async () => {
  api = await startTestApi();
  const people = await seedDistricts(api);
  who = await principals(api, people);
  make = new Factory(api);
  await api.prisma.permissionSet.create({ data: { name: READERS_SET, permissions: [{ action: 'read', subject: 'Domain' }] } });
  for (const place of DOMAIN_PLACES) {
    const domain = DOMAIN_OF[place];
    const account = await make.account(domain, 'fixture');
    places[place] = {
      domain,
      subdomain: await make.subdomain(domain, 'fixed'),
      account,
      alias: await make.alias(domain),
      list: await make.mailingList(domain),
      group: await make.group(domain),
      classOfService: await make.classOfService(domain),
      domainWordList: await make.wordList({ scope: 'domain', domain }),
      accountWordList: await make.wordList({ scope: 'account', account }),
      admin: await make.admin(domain),
      apiKey: await make.apiKey(domain),
      permissionSet: await make.permissionSet(domain),
    };
  }
  platform.classOfService = await make.classOfService(null);
  platform.permissionSet = await make.permissionSet(null);
  platform.systemWordList = await make.wordList({ scope: 'system' });
  own.account = who.userAddress;
  own.wordList = await make.wordList({ scope: 'account', account: own.account });
});
afterAll(() => api?.close());

const GET = (path: string) => ({ method: 'GET' as const, path });
const DELETE = (path: string) => ({ method: 'DELETE' as const, path });
const POST = (path: string, body: unknown) => ({ method: 'POST' as const, path, body });
const PATCH = (path: string, body: unknown) => ({ method: 'PATCH' as const, path, body });
const gql = (field: string, query: string, variables: Record<string, unknown>) => ({ field, query, variables });
const itemsBy = (key: string) => (value: { items?: Array<Record<string, unknown>> }) => (value?.items ?? []).map((item) => String(item[key]));
const localPartOf = (address: string) => address.split('@')[0]!;

function domainOps(place: DomainPlace): Operation[] {
  const f = () => places[place];
  return [
    {
      name: 'domains.read', place, right: 'read:Domain', via: 'Domain', success: 200,
      target: () => f().subdomain,
      rest: (name) => GET(`/domains/${name}`),
      graphql: (name) => gql('domain', 'query($name: String!) { domain(name: $name) { name } }', { name }),
    },
    {
      name: 'domains.list', place, right: 'read:Domain', via: 'Domain', success: 200, hidden: { status: 404 },
      target: () => f(),
      rest: (t) => GET(`/domains?parent=${t.domain}&q=${t.subdomain.split('.')[0]}`),
      graphql: (t) => gql('domains', 'query($parent: String, $q: String) { domains(parent: $parent, q: $q) { items { name } } }', { parent: t.domain, q: t.subdomain.split('.')[0] }),
      list: { key: (t) => t.subdomain, rest: itemsBy('name'), graphql: itemsBy('name') },
    },
    {
      name: 'domains.create', place, right: 'create:Domain', via: 'Domain', success: 201, fresh: true, hidden: { status: 400, field: 'parent' },
      target: () => ({ name: `${unique('new')}.${f().domain}`, parent: f().domain }),
      rest: (input) => POST('/domains', input),
      graphql: (input) => gql('createDomain', 'mutation($input: CreateDomainInput!) { createDomain(input: $input) { name } }', { input }),
    },
    {
      name: 'domains.update', place, right: 'update:Domain', via: 'Domain', success: 200,
      target: () => f().subdomain,
      rest: (name) => PATCH(`/domains/${name}`, { branding: { productName: 'Matrix' } }),
      graphql: (name) => gql('updateDomain', 'mutation($name: String!) { updateDomain(name: $name, input: { branding: { productName: "Matrix" } }) { name } }', { name }),
    },
    {
      name: 'domains.delete', place, right: 'delete:Domain', via: 'Domain', success: 204, fresh: true,
      target: () => make.subdomain(f().domain, 'del'),
      rest: (name) => DELETE(`/domains/${name}`),
      graphql: (name) => gql('deleteDomain', 'mutation($name: String!) { deleteDomain(name: $name) }', { name }),
    },
  ];
}

const accountRead = (place: DomainPlace | 'own', address: () => string): Operation => ({
  name: 'accounts.read', place, right: 'read:Account', via: 'Account', success: 200, roles: place === 'own' ? ['user'] : undefined,
  target: address,
  rest: (a) => GET(`/accounts/${a}`),
  graphql: (a) => gql('account', 'query($a: String!) { account(address: $a) { address } }', { a }),
});
const accountUpdate = (place: DomainPlace | 'own', address: () => string): Operation => ({
  name: 'accounts.update', place, right: 'update:Account', via: 'Account', success: 200, roles: place === 'own' ? ['user'] : undefined,
  target: address,
  rest: (a) => PATCH(`/accounts/${a}`, { displayName: 'Matrix' }),
  graphql: (a) => gql('updateAccount', 'mutation($a: String!) { updateAccount(address: $a, input: { displayName: "Matrix" }) { address } }', { a }),
});
const accountDelete = (place: DomainPlace | 'own', address: () => string | Promise<string>, fresh: boolean): Operation => ({
  name: 'accounts.delete', place, right: 'delete:Account', via: 'Account', success: 204, fresh, roles: place === 'own' ? ['user'] : undefined,
  target: address,
  rest: (a) => DELETE(`/accounts/${a}`),
  graphql: (a) => gql('deleteAccount', 'mutation($a: String!) { deleteAccount(address: $a) }', { a }),
});

function accountOps(place: DomainPlace): Operation[] {
  const f = () => places[place];
  return [
    accountRead(place, () => f().account),
    {
      name: 'accounts.list', place, right: 'read:Account', via: 'Account', success: 200, hidden: { status: 404 },
      target: () => f(),
      rest: (t) => GET(`/domains/${t.domain}/accounts?q=${localPartOf(t.account)}`),
      graphql: (t) => gql('accounts', 'query($d: String!, $q: String) { accounts(domain: $d, q: $q) { items { address } } }', { d: t.domain, q: localPartOf(t.account) }),
      list: { key: (t) => t.account, rest: itemsBy('address'), graphql: itemsBy('address') },
    },
    {
      name: 'accounts.create', place, right: 'create:Account', via: 'Account', success: 201, fresh: true,
      target: async () => ({ domain: f().domain, input: { localPart: unique('new'), passwordHash: await preHashed() } }),
      rest: (t) => POST(`/domains/${t.domain}/accounts`, t.input),
      graphql: (t) => gql('createAccount', 'mutation($d: String!, $input: CreateAccountInput!) { createAccount(domain: $d, input: $input) { address } }', { d: t.domain, input: t.input }),
    },
    accountUpdate(place, () => f().account),
    accountDelete(place, () => make.account(f().domain), true),
  ];
}

interface AddressedKind {
  feature: string;
  subject: 'Alias' | 'MailingList' | 'Group';
  segment: string;
  one: string;
  many: string;
  typeName: string;
  createInput: () => Record<string, unknown>;
  updateInput: Record<string, unknown>;
  updateLiteral: string;
  fixture: (f: PlaceFixtures) => string;
  fresh: (domain: string) => Promise<string>;
}

const ADDRESSED: AddressedKind[] = [
  {
    feature: 'aliases', subject: 'Alias', segment: 'aliases', one: 'alias', many: 'aliases', typeName: 'Alias',
    createInput: () => ({ localPart: unique('na'), targets: ['someone@example.org'] }),
    updateInput: { targets: ['other@example.org'] }, updateLiteral: '{ targets: ["other@example.org"] }',
    fixture: (f) => f.alias, fresh: (d) => make.alias(d),
  },
  {
    feature: 'lists', subject: 'MailingList', segment: 'lists', one: 'mailingList', many: 'mailingLists', typeName: 'MailingList',
    createInput: () => ({ localPart: unique('nl'), name: 'New list' }),
    updateInput: { name: 'Matrix' }, updateLiteral: '{ name: "Matrix" }',
    fixture: (f) => f.list, fresh: (d) => make.mailingList(d),
  },
  {
    feature: 'groups', subject: 'Group', segment: 'groups', one: 'group', many: 'groups', typeName: 'Group',
    createInput: () => ({ localPart: unique('ng'), name: 'New group' }),
    updateInput: { name: 'Matrix' }, updateLiteral: '{ name: "Matrix" }',
    fixture: (f) => f.group, fresh: (d) => make.group(d),
  },
];

function addressedOps(kind: AddressedKind, place: DomainPlace): Operation[] {
  const f = () => places[place];
  const cap = kind.one[0]!.toUpperCase() + kind.one.slice(1);
  return [
    {
      name: `${kind.feature}.read`, place, right: `read:${kind.subject}`, via: kind.subject, success: 200,
      target: () => kind.fixture(f()),
      rest: (a) => GET(`/${kind.segment}/${a}`),
      graphql: (a) => gql(kind.one, `query($a: String!) { ${kind.one}(address: $a) { address } }`, { a }),
    },
    {
      name: `${kind.feature}.list`, place, right: `read:${kind.subject}`, via: 'Domain', success: 200, hidden: { status: 404 },
      target: () => ({ domain: f().domain, address: kind.fixture(f()) }),
      rest: (t) => GET(`/domains/${t.domain}/${kind.segment}?q=${localPartOf(t.address)}`),
      graphql: (t) => gql(kind.many, `query($d: String!, $q: String) { ${kind.many}(domain: $d, q: $q) { items { address } } }`, { d: t.domain, q: localPartOf(t.address) }),
      list: { key: (t) => t.address, rest: itemsBy('address'), graphql: itemsBy('address') },
    },
    {
      name: `${kind.feature}.create`, place, right: `create:${kind.subject}`, via: 'Domain', success: 201, fresh: true,
      target: () => ({ domain: f().domain, input: kind.createInput() }),
      rest: (t) => POST(`/domains/${t.domain}/${kind.segment}`, t.input),
      graphql: (t) => gql(`create${cap}`, `mutation($d: String!, $input: Create${kind.typeName}Input!) { create${cap}(domain: $d, input: $input) { address } }`, { d: t.domain, input: t.input }),
    },
    {
      name: `${kind.feature}.update`, place, right: `update:${kind.subject}`, via: kind.subject, success: 200,
      target: () => kind.fixture(f()),
      rest: (a) => PATCH(`/${kind.segment}/${a}`, kind.updateInput),
      graphql: (a) => gql(`update${cap}`, `mutation($a: String!) { update${cap}(address: $a, input: ${kind.updateLiteral}) { address } }`, { a }),
    },
    {
      name: `${kind.feature}.delete`, place, right: `delete:${kind.subject}`, via: kind.subject, success: 204, fresh: true,
      target: () => kind.fresh(f().domain),
      rest: (a) => DELETE(`/${kind.segment}/${a}`),
      graphql: (a) => gql(`delete${cap}`, `mutation($a: String!) { delete${cap}(address: $a) }`, { a }),
    },
  ];
}

const COS_LIMITS = { maxMessageSizeKb: 1024, mailboxQuotaMb: 100, maxRecipients: 10 };
const CREATE_COS = 'mutation($input: CreateClassOfServiceInput!) { createClassOfService(input: $input) { name } }';

function classOfServiceOps(place: DomainPlace | 'platform'): Operation[] {
  const domain = () => (place === 'platform' ? null : places[place].domain);
  const fixture = () => (place === 'platform' ? platform.classOfService : places[place].classOfService);
  return [
    {
      name: 'classesOfService.read', place, right: 'read:ClassOfService', via: 'ClassOfService', success: 200,
      target: fixture,
      rest: (name) => GET(`/classes-of-service/${name}`),
      graphql: (name) => gql('classOfService', 'query($name: String!) { classOfService(name: $name) { name } }', { name }),
    },
    {
      name: 'classesOfService.list', place, right: 'read:ClassOfService', via: place === 'platform' ? null : 'Domain', success: 200, hidden: { status: 404 },
      target: () => ({ domain: domain(), name: fixture() }),
      rest: (t) => GET(`/classes-of-service?q=${t.name}${t.domain ? `&domain=${t.domain}` : ''}`),
      graphql: (t) => gql('classesOfService', 'query($d: String, $q: String) { classesOfService(domain: $d, q: $q) { items { name } } }', { d: t.domain, q: t.name }),
      list: { key: (t) => t.name, rest: itemsBy('name'), graphql: itemsBy('name') },
    },
    {
      name: 'classesOfService.create', place, right: 'create:ClassOfService', via: place === 'platform' ? null : 'Domain', success: 201, fresh: true,
      hidden: { status: 400, field: 'domain' },
      target: () => ({ name: unique('ncos'), ...COS_LIMITS, ...(domain() ? { domain: domain() } : {}) }),
      rest: (input) => POST('/classes-of-service', input),
      graphql: (input) => gql('createClassOfService', CREATE_COS, { input }),
    },
    {
      name: 'classesOfService.update', place, right: 'update:ClassOfService', via: 'ClassOfService', success: 200,
      target: fixture,
      rest: (name) => PATCH(`/classes-of-service/${name}`, { description: 'Matrix' }),
      graphql: (name) => gql('updateClassOfService', 'mutation($name: String!) { updateClassOfService(name: $name, input: { description: "Matrix" }) { name } }', { name }),
    },
    {
      name: 'classesOfService.delete', place, right: 'delete:ClassOfService', via: 'ClassOfService', success: 204, fresh: true,
      target: () => make.classOfService(domain()),
      rest: (name) => DELETE(`/classes-of-service/${name}`),
      graphql: (name) => gql('deleteClassOfService', 'mutation($name: String!) { deleteClassOfService(name: $name) }', { name }),
    },
  ];
}

type WordListOwner = { scope: 'system' } | { scope: 'domain'; domain: string } | { scope: 'account'; account: string };

/** Word lists of one scope at one place: system (platform), a domain's, or a mailbox's (someone's, or the user's own). */
function wordListOps(scope: 'system' | 'domain' | 'account', place: DomainPlace | 'platform' | 'own'): Operation[] {
  const owner = (): WordListOwner => {
    if (scope === 'system') return { scope };
    if (scope === 'domain') return { scope, domain: places[place as DomainPlace].domain };
    return { scope, account: place === 'own' ? own.account : places[place as DomainPlace].account };
  };
  const fixture = (): Named => {
    if (scope === 'system') return platform.systemWordList;
    if (place === 'own') return own.wordList;
    return scope === 'domain' ? places[place as DomainPlace].domainWordList : places[place as DomainPlace].accountWordList;
  };
  const filter = (o: WordListOwner) => ('domain' in o ? `&domain=${o.domain}` : 'account' in o ? `&account=${o.account}` : '');
  const parent = scope === 'system' ? null : scope === 'domain' ? 'Domain' : 'Account';
  const name = `wordLists.${scope}`;
  const roles: Role[] | undefined = place === 'own' ? ['user'] : undefined;
  return [
    {
      name: `${name}.read`, place, roles, right: 'read:WordList', via: 'WordList', success: 200,
      target: fixture,
      rest: (t) => GET(`/word-lists/${t.id}`),
      graphql: (t) => gql('wordList', 'query($id: Int!) { wordList(id: $id) { id } }', { id: t.id }),
    },
    {
      // Filters by owner never answer 404: an owner out of sight simply lists nothing.
      name: `${name}.list`, place, roles, right: 'read:WordList', via: null, success: 200,
      target: () => ({ ...fixture(), owner: owner() }),
      rest: (t) => GET(`/word-lists?scope=${scope}&q=${t.name}${filter(t.owner)}`),
      graphql: (t) =>
        gql('wordLists', 'query($s: String, $d: String, $a: String, $q: String) { wordLists(scope: $s, domain: $d, account: $a, q: $q) { items { name } } }', {
          s: scope, q: t.name, d: (t.owner as { domain?: string }).domain, a: (t.owner as { account?: string }).account,
        }),
      list: { key: (t) => t.name, rest: itemsBy('name'), graphql: itemsBy('name') },
    },
    {
      name: `${name}.create`, place, roles, right: 'create:WordList', via: parent, success: 201, fresh: true,
      hidden: { status: 400, field: scope === 'account' ? 'account' : 'domain' },
      target: () => ({ name: unique('nw'), entries: ['matrix'], ...owner() }),
      rest: (input) => POST('/word-lists', input),
      graphql: (input) => gql('createWordList', 'mutation($input: CreateWordListInput!) { createWordList(input: $input) { id } }', { input }),
    },
    {
      name: `${name}.update`, place, roles, right: 'update:WordList', via: 'WordList', success: 200,
      target: fixture,
      rest: (t) => PATCH(`/word-lists/${t.id}`, { action: 'tag' }),
      graphql: (t) => gql('updateWordList', 'mutation($id: Int!) { updateWordList(id: $id, input: { action: "tag" }) { id } }', { id: t.id }),
    },
    {
      name: `${name}.delete`, place, roles, right: 'delete:WordList', via: 'WordList', success: 204, fresh: true,
      target: () => make.wordList(owner()),
      rest: (t) => DELETE(`/word-lists/${t.id}`),
      graphql: (t) => gql('deleteWordList', 'mutation($id: Int!) { deleteWordList(id: $id) }', { id: t.id }),
    },
  ];
}

function adminOps(place: DomainPlace): Operation[] {
  const f = () => places[place];
  return [
    {
      name: 'admins.read', place, right: 'read:Admin', via: 'Admin', success: 200,
      target: () => f().admin,
      rest: (a) => GET(`/admins/${a.id}`),
      graphql: (a) => gql('admin', 'query($id: Int!) { admin(id: $id) { id } }', { id: a.id }),
    },
    {
      name: 'admins.list', place, right: 'read:Admin', via: null, success: 200,
      target: () => f().admin,
      rest: (a) => GET(`/admins?q=${a.username}`),
      graphql: (a) => gql('admins', 'query($q: String) { admins(q: $q) { items { username } } }', { q: a.username }),
      list: { key: (a) => a.username, rest: itemsBy('username'), graphql: itemsBy('username') },
    },
    {
      name: 'admins.update', place, right: 'update:Admin', via: 'Admin', success: 200,
      target: () => f().admin,
      rest: (a) => PATCH(`/admins/${a.id}`, { displayName: 'Matrix' }),
      graphql: (a) => gql('updateAdmin', 'mutation($id: Int!) { updateAdmin(id: $id, input: { displayName: "Matrix" }) { id } }', { id: a.id }),
    },
    {
      name: 'admins.delete', place, right: 'delete:Admin', via: 'Admin', success: 204, fresh: true,
      target: () => make.admin(f().domain),
      rest: (a) => DELETE(`/admins/${a.id}`),
      graphql: (a) => gql('deleteAdmin', 'mutation($id: Int!) { deleteAdmin(id: $id) }', { id: a.id }),
    },
    {
      // GraphQL has no assignments query: an admin's assignments are a field of Admin.
      name: 'assignments.list', place, right: 'read:RoleAssignment', via: 'Admin', success: 200, hidden: { status: 404 },
      target: () => f().admin,
      rest: (a) => GET(`/admins/${a.id}/assignments`),
      graphql: (a) => gql('admin', 'query($id: Int!) { admin(id: $id) { assignments { id } } }', { id: a.id }),
      list: { key: (a) => String(a.assignmentId), rest: itemsBy('id'), graphql: (v) => (v?.assignments ?? []).map((x: { id: number }) => String(x.id)) },
    },
    {
      name: 'assignments.create', place, right: 'create:RoleAssignment', via: 'Admin', success: 201, fresh: true,
      target: async () => ({ admin: await make.admin(f().domain, { permissionSet: READERS_SET }), input: { role: 'subdomain-admin', domain: f().domain } }),
      rest: (t) => POST(`/admins/${t.admin.id}/assignments`, t.input),
      graphql: (t) => gql('assignRole', 'mutation($id: Int!, $input: AssignmentInput!) { assignRole(adminId: $id, input: $input) { id } }', { id: t.admin.id, input: t.input }),
    },
    {
      name: 'assignments.delete', place, right: 'delete:RoleAssignment', via: 'RoleAssignment', success: 204, fresh: true,
      target: () => make.admin(f().domain),
      rest: (a) => DELETE(`/admins/${a.id}/assignments/${a.assignmentId}`),
      graphql: (a) => gql('removeAssignment', 'mutation($id: Int!, $aid: Int!) { removeAssignment(adminId: $id, assignmentId: $aid) }', { id: a.id, aid: a.assignmentId }),
    },
  ];
}

const createAdminOp: Operation = {
  // An administrator belongs to no domain until it gets an assignment.
  name: 'admins.create', place: 'none', right: 'create:Admin', via: null, success: 201, fresh: true,
  target: () => ({ username: unique('newadmin'), password: 'matrix-password-1' }),
  rest: (input) => POST('/admins', input),
  graphql: (input) => gql('createAdmin', 'mutation($input: CreateAdminInput!) { createAdmin(input: $input) { id } }', { input }),
};

const topLevelDomainOp: Operation = {
  name: 'domains.create(top-level)', place: 'platform', right: 'create:Domain', via: null, success: 201, fresh: true,
  target: () => ({ name: `${unique('top')}.k12.us` }),
  rest: (input) => POST('/domains', input),
  graphql: (input) => gql('createDomain', 'mutation($input: CreateDomainInput!) { createDomain(input: $input) { name } }', { input }),
};

function permissionSetOps(place: DomainPlace | 'platform'): Operation[] {
  const domain = () => (place === 'platform' ? null : places[place].domain);
  const fixture = () => (place === 'platform' ? platform.permissionSet : places[place].permissionSet);
  return [
    {
      name: 'permissionSets.read', place, right: 'read:PermissionSet', via: 'PermissionSet', success: 200,
      target: fixture,
      rest: (name) => GET(`/permission-sets/${name}`),
      graphql: (name) => gql('permissionSet', 'query($name: String!) { permissionSet(name: $name) { name } }', { name }),
    },
    {
      name: 'permissionSets.list', place, right: 'read:PermissionSet', via: null, success: 200,
      target: fixture,
      rest: (name) => GET(`/permission-sets?q=${name}`),
      graphql: (name) => gql('permissionSets', 'query($q: String) { permissionSets(q: $q) { items { name } } }', { q: name }),
      list: { key: (name) => name, rest: itemsBy('name'), graphql: itemsBy('name') },
    },
    {
      // A set owned by nobody is platform-wide: for anyone but staff, "domain" is then required.
      name: 'permissionSets.create', place, right: 'create:PermissionSet', via: place === 'platform' ? null : 'Domain', success: 201, fresh: true,
      hidden: { status: 400, field: 'domain' },
      denied: place === 'platform' ? { status: 400, field: 'domain' } : undefined,
      target: () => ({ name: unique('nset'), permissions: [{ action: 'read', subject: 'Domain' }], ...(domain() ? { domain: domain() } : {}) }),
      rest: (input) => POST('/permission-sets', input),
      graphql: (input) => gql('createPermissionSet', 'mutation($input: CreatePermissionSetInput!) { createPermissionSet(input: $input) { name } }', { input }),
    },
    {
      name: 'permissionSets.update', place, right: 'update:PermissionSet', via: 'PermissionSet', success: 200,
      target: fixture,
      rest: (name) => PATCH(`/permission-sets/${name}`, { description: 'Matrix' }),
      graphql: (name) => gql('updatePermissionSet', 'mutation($name: String!) { updatePermissionSet(name: $name, input: { description: "Matrix" }) { name } }', { name }),
    },
    {
      name: 'permissionSets.delete', place, right: 'delete:PermissionSet', via: 'PermissionSet', success: 204, fresh: true,
      target: () => make.permissionSet(domain()),
      rest: (name) => DELETE(`/permission-sets/${name}`),
      graphql: (name) => gql('deletePermissionSet', 'mutation($name: String!) { deletePermissionSet(name: $name) }', { name }),
    },
  ];
}

function apiKeyOps(place: DomainPlace): Operation[] {
  const f = () => places[place];
  return [
    {
      // GraphQL has no query for one API key (only the list).
      name: 'apiKeys.read', place, right: 'read:ApiKey', via: 'ApiKey', success: 200,
      target: () => f().apiKey,
      rest: (k) => GET(`/api-keys/${k.id}`),
      graphql: null,
    },
    {
      name: 'apiKeys.list', place, right: 'read:ApiKey', via: null, success: 200,
      target: () => f().apiKey,
      rest: (k) => GET(`/api-keys?q=${k.name}`),
      graphql: (k) => gql('apiKeys', 'query($q: String) { apiKeys(q: $q) { items { name } } }', { q: k.name }),
      list: { key: (k) => k.name, rest: itemsBy('name'), graphql: itemsBy('name') },
    },
    {
      name: 'apiKeys.create', place, right: 'create:ApiKey', via: 'Domain', success: 201, fresh: true, hidden: { status: 400, field: 'domain' },
      target: () => ({ name: unique('nkey'), role: 'subdomain-admin', domain: f().domain }),
      rest: (input) => POST('/api-keys', input),
      graphql: (input) => gql('createApiKey', 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { id } }', { input }),
    },
    {
      name: 'apiKeys.delete', place, right: 'delete:ApiKey', via: 'ApiKey', success: 204, fresh: true,
      target: () => make.apiKey(f().domain),
      rest: (k) => DELETE(`/api-keys/${k.id}`),
      graphql: (k) => gql('revokeApiKey', 'mutation($id: Int!) { revokeApiKey(id: $id) { id } }', { id: k.id }),
    },
  ];
}

function auditOps(place: DomainPlace): Operation[] {
  const f = () => places[place];
  return [
    {
      name: 'auditEvents.list', place, right: 'read:AuditEvent', via: 'Domain', success: 200, hidden: { status: 404 },
      target: () => f(),
      rest: (t) => GET(`/audit-events?domain=${t.domain}&action=domain.create&limit=500`),
      graphql: (t) => gql('auditEvents', 'query($d: String) { auditEvents(domain: $d, action: "domain.create", limit: 500) { items { subjectId } } }', { d: t.domain }),
      list: { key: (t) => t.subdomain, rest: itemsBy('subjectId'), graphql: itemsBy('subjectId') },
    },
  ];
}

const OPERATIONS: Operation[] = [
  ...DOMAIN_PLACES.flatMap(domainOps),
  topLevelDomainOp,
  ...DOMAIN_PLACES.flatMap(accountOps),
  accountRead('own', () => own.account),
  accountUpdate('own', () => own.account),
  accountDelete('own', () => own.account, false),
  ...ADDRESSED.flatMap((kind) => DOMAIN_PLACES.flatMap((place) => addressedOps(kind, place))),
  ...[...DOMAIN_PLACES, 'platform' as const].flatMap(classOfServiceOps),
  ...wordListOps('system', 'platform'),
  ...DOMAIN_PLACES.flatMap((place) => wordListOps('domain', place)),
  ...DOMAIN_PLACES.flatMap((place) => wordListOps('account', place)),
  ...wordListOps('account', 'own'),
  ...DOMAIN_PLACES.flatMap(adminOps),
  createAdminOp,
  ...[...DOMAIN_PLACES, 'platform' as const].flatMap(permissionSetOps),
  ...DOMAIN_PLACES.flatMap(apiKeyOps),
  ...DOMAIN_PLACES.flatMap(auditOps),
];

const CELLS = ROLES.flatMap((role) =>
  OPERATIONS.filter((op) => !op.roles || op.roles.includes(role)).map((op) => ({ role, op, expected: expectedOutcome(role, op) })),
);

describe(`authorization matrix (${CELLS.length} cells, each over REST and GraphQL)`, () => {
  it.each(CELLS.map((cell) => [`${cell.role} ${cell.op.name} @${cell.op.place} -> ${describeOutcome(cell.expected)}`, cell] as const))('%s', async (_label, cell) => {
    await runCell(who[cell.role], cell.op, cell.expected);
  });
});

/** The keys of a REST list, failing loudly on anything but 200. */
async function keysOf(client: ApiClient, path: string, key = 'name'): Promise<string[]> {
  const response = await client.get(path);
  expect(response.status, `${path} ${JSON.stringify(response.body)}`).toBe(200);
  return response.body.items.map((item: Record<string, unknown>) => String(item[key]));
}

describe('invariants of delegated administration', () => {
  it('no one grants a right they do not hold: a postmaster cannot make staff or postmasters, nor take over a peer', async () => {
    const target = await make.admin(WEST, { permissionSet: READERS_SET });
    const before = await api.prisma.roleAssignment.count();
    for (const input of [{ role: 'staff' }, { role: 'postmaster', domain: DISTRICT1 }, { role: 'postmaster', domain: WEST }]) {
      const rest = await who.postmaster.post(`/admins/${target.id}/assignments`, input);
      expect(rest.status, JSON.stringify(input)).toBe(403);
      const graphql = await who.postmaster.graphql('mutation($id: Int!, $input: AssignmentInput!) { assignRole(adminId: $id, input: $input) { id } }', { id: target.id, input });
      expect(graphql.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    }
    const key = await who.postmaster.post('/api-keys', { name: 'too-strong', role: 'postmaster', domain: DISTRICT1 });
    expect(key.status).toBe(403);
    expect(await api.prisma.roleAssignment.count()).toBe(before);
    expect(await api.prisma.apiKey.count({ where: { name: 'too-strong' } })).toBe(0);

    // A peer postmaster holds rights the actor cannot grant: neither its password nor its existence are the actor's to change.
    const peer = await createAdmin(api, unique('peer'), [{ role: 'postmaster', domain: DISTRICT1 }]);
    expect((await who.postmaster.patch(`/admins/${peer.id}`, { password: 'taken-over-password-1' })).status).toBe(403);
    expect((await who.postmaster.delete(`/admins/${peer.id}`)).status).toBe(403);
    expect((await who.postmaster.graphql('mutation($id: Int!) { deleteAdmin(id: $id) }', { id: peer.id })).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('no one grants over a scope wider than their own: a sub-domain admin of west cannot grant over district1 or east', async () => {
    const target = await make.admin(WEST, { permissionSet: READERS_SET });
    const before = await api.prisma.roleAssignment.count();
    for (const domain of [DISTRICT1, EAST, DISTRICT2]) {
      const input = { role: 'subdomain-admin', domain };
      const rest = await who.subdomainAdmin.post(`/admins/${target.id}/assignments`, input);
      // The wider domain is out of its sight: the same answer as a domain that does not exist.
      expect(rest.status, domain).toBe(400);
      expect(rest.body.errors[0].field).toBe('domain');
      const graphql = await who.subdomainAdmin.graphql('mutation($id: Int!, $input: AssignmentInput!) { assignRole(adminId: $id, input: $input) { id } }', { id: target.id, input });
      expect(graphql.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      const key = await who.subdomainAdmin.post('/api-keys', { name: unique('wide'), role: 'subdomain-admin', domain });
      expect(key.status).toBe(400);
    }
    expect((await who.subdomainAdmin.post(`/admins/${target.id}/assignments`, { role: 'postmaster', domain: WEST })).status).toBe(403);
    expect(await api.prisma.roleAssignment.count()).toBe(before);
    const inside = await who.subdomainAdmin.post(`/admins/${target.id}/assignments`, { role: 'subdomain-admin', domain: WEST });
    expect(inside.status).toBe(201);
  });

  it('a custom set grants only sets whose every right it holds, and never roles', async () => {
    await api.prisma.permissionSet.create({
      data: {
        name: 'matrix-delegator',
        permissions: [
          { action: 'read', subject: 'Domain' },
          { action: 'read', subject: 'Account' },
          { action: 'read', subject: 'Admin' },
          { action: 'read', subject: 'RoleAssignment' },
          { action: 'create', subject: 'RoleAssignment' },
        ],
      },
    });
    await api.prisma.permissionSet.create({ data: { name: 'matrix-readonly-accounts', permissions: [{ action: 'read', subject: 'Account' }] } });
    await api.prisma.permissionSet.create({
      data: { name: 'matrix-account-deleters', permissions: [{ action: 'read', subject: 'Account' }, { action: 'delete', subject: 'Account' }] },
    });
    await createAdmin(api, 'delegator', [{ permissionSet: 'matrix-delegator', domain: WEST }]);
    const delegator = await api.login('delegator', PASSWORD);
    const target = await make.admin(WEST, { permissionSet: READERS_SET });
    expect((await delegator.post(`/admins/${target.id}/assignments`, { role: 'subdomain-admin', domain: WEST })).status).toBe(403);
    expect((await delegator.post(`/admins/${target.id}/assignments`, { permissionSet: 'matrix-account-deleters', domain: WEST })).status).toBe(403);
    const held = await delegator.post(`/admins/${target.id}/assignments`, { permissionSet: 'matrix-readonly-accounts', domain: WEST });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ permissionSet: 'matrix-readonly-accounts', domain: WEST });
  });

  it('several admins share a domain and each works; one admin holds several assignments and works in each', async () => {
    await createAdmin(api, 'pm1b', [{ role: 'postmaster', domain: DISTRICT1 }]);
    const second = await api.login('pm1b', PASSWORD);
    const first = who.postmaster;
    const byFirst = await first.post(`/domains/${WEST}/accounts`, { localPart: 'by-first', password: 'shared-password-1' });
    const bySecond = await second.post(`/domains/${EAST}/accounts`, { localPart: 'by-second', password: 'shared-password-1' });
    expect([byFirst.status, bySecond.status]).toEqual([201, 201]);
    expect((await second.get(`/accounts/by-first@${WEST}`)).status).toBe(200);
    expect((await first.get(`/accounts/by-second@${EAST}`)).status).toBe(200);
    expect((await second.patch(`/accounts/by-first@${WEST}`, { displayName: 'Changed by second' })).status).toBe(200);
    expect((await first.graphql('query($a: String!) { account(address: $a) { displayName } }', { a: `by-first@${WEST}` })).data.account.displayName).toBe('Changed by second');
    const admins = await keysOf(first, '/admins?q=pm1', 'username');
    expect(admins).toEqual(expect.arrayContaining(['pm1', 'pm1b']));

    await createAdmin(api, 'twohats', [
      { role: 'subdomain_admin', domain: WEST },
      { role: 'postmaster', domain: DISTRICT2 },
    ]);
    const twoHats = await api.login('twohats', PASSWORD);
    expect((await twoHats.get(`/accounts/${places.west.account}`)).status).toBe(200);
    expect((await twoHats.get(`/accounts/${places.district2.account}`)).status).toBe(200);
    expect((await twoHats.get(`/accounts/${places.east.account}`)).status).toBe(404);
    expect((await twoHats.patch(`/accounts/${places.district2.account}`, { displayName: 'Two hats' })).status).toBe(200);
    expect((await twoHats.get(`/domains/${DISTRICT1}`)).status).toBe(404);
    const domains = await keysOf(twoHats, '/domains?limit=500');
    expect(domains.some((name) => name.endsWith(DISTRICT2))).toBe(true);
    expect(domains.some((name) => name.endsWith(WEST))).toBe(true);
    expect(domains.filter((name) => name === DISTRICT1 || name.endsWith(`.${EAST}`) || name === EAST)).toEqual([]);
  });

  it('an object out of scope answers exactly like one that does not exist (no existence leak)', async () => {
    const west = who.subdomainAdmin;
    const d2 = places.district2;
    const missingDomain = 'nothing-here.k12.us';
    const pairs: Array<[string, RestCall, RestCall, string, string]> = [
      ['domain', GET(`/domains/${d2.subdomain}`), GET(`/domains/${missingDomain}`), d2.subdomain, missingDomain],
      ['account', GET(`/accounts/${d2.account}`), GET(`/accounts/nobody@${DISTRICT2}`), d2.account, `nobody@${DISTRICT2}`],
      ['alias', GET(`/aliases/${d2.alias}`), GET(`/aliases/nobody@${DISTRICT2}`), d2.alias, `nobody@${DISTRICT2}`],
      ['list', GET(`/lists/${d2.list}`), GET(`/lists/nobody@${DISTRICT2}`), d2.list, `nobody@${DISTRICT2}`],
      ['group', GET(`/groups/${d2.group}`), GET(`/groups/nobody@${DISTRICT2}`), d2.group, `nobody@${DISTRICT2}`],
      ['class of service', GET(`/classes-of-service/${d2.classOfService}`), GET('/classes-of-service/no-such-class'), d2.classOfService, 'no-such-class'],
      ['word list', GET(`/word-lists/${d2.domainWordList.id}`), GET('/word-lists/999999'), String(d2.domainWordList.id), '999999'],
      ['admin', GET(`/admins/${d2.admin.id}`), GET('/admins/999999'), String(d2.admin.id), '999999'],
      ['API key', GET(`/api-keys/${d2.apiKey.id}`), GET('/api-keys/999999'), String(d2.apiKey.id), '999999'],
      ['permission set', GET(`/permission-sets/${d2.permissionSet}`), GET('/permission-sets/no-such-set'), d2.permissionSet, 'no-such-set'],
      ['accounts of a domain', GET(`/domains/${DISTRICT2}/accounts`), GET(`/domains/${missingDomain}/accounts`), DISTRICT2, missingDomain],
      ['new alias in a domain', POST(`/domains/${DISTRICT2}/aliases`, { localPart: 'probe', targets: ['x@example.org'] }), POST(`/domains/${missingDomain}/aliases`, { localPart: 'probe', targets: ['x@example.org'] }), DISTRICT2, missingDomain],
      ['sub-domain of', POST('/domains', { name: `probe.${DISTRICT2}`, parent: DISTRICT2 }), POST('/domains', { name: `probe.${missingDomain}`, parent: missingDomain }), DISTRICT2, missingDomain],
      ['API key over', POST('/api-keys', { name: 'probe', role: 'subdomain-admin', domain: DISTRICT2 }), POST('/api-keys', { name: 'probe', role: 'subdomain-admin', domain: missingDomain }), DISTRICT2, missingDomain],
      ['word list of', POST('/word-lists', { name: 'probe', scope: 'domain', domain: DISTRICT2 }), POST('/word-lists', { name: 'probe', scope: 'domain', domain: missingDomain }), DISTRICT2, missingDomain],
      ['audit of', GET(`/audit-events?domain=${DISTRICT2}`), GET(`/audit-events?domain=${missingDomain}`), DISTRICT2, missingDomain],
    ];
    for (const [what, existing, missing, existingKey, missingKey] of pairs) {
      const [a, b] = [await send(west, existing), await send(west, missing)];
      expect(a.status, what).toBeGreaterThanOrEqual(400);
      const shape = (r: ApiResponse, key: string) => ({ status: r.status, type: r.body.type, detail: String(r.body.detail).split(key).join('<key>'), errors: JSON.stringify(r.body.errors ?? null).split(key).join('<key>') });
      expect(shape(a, existingKey), what).toEqual(shape(b, missingKey));
    }
  });

  it('nested GraphQL fields filter like the lists: domain -> sub-domains -> accounts', async () => {
    await createAdmin(api, 'domainreader', [{ permissionSet: READERS_SET, domain: DISTRICT1 }]);
    const reader = await api.login('domainreader', PASSWORD);
    const tree = await reader.graphql(`{ domain(name: "${DISTRICT1}") { name accounts { items { address } } subDomains { name accounts { items { address } } } } }`);
    expect(tree.errors).toBeUndefined();
    expect(tree.data.domain.subDomains.map((d: { name: string }) => d.name)).toEqual(expect.arrayContaining([WEST, EAST]));
    // Reading domains gives no right to read their mailboxes.
    expect(tree.data.domain.accounts.items).toEqual([]);
    expect(tree.data.domain.subDomains.flatMap((d: { accounts: { items: unknown[] } }) => d.accounts.items)).toEqual([]);
    expect((await reader.get(`/domains/${WEST}/accounts`)).status).toBe(403);

    const west = await who.subdomainAdmin.graphql(`{ domain(name: "${WEST}") { subDomains { name } accounts(q: "fixture") { items { address } } } }`);
    expect(west.data.domain.accounts.items.map((a: { address: string }) => a.address)).toEqual([places.west.account]);
    const above = await who.subdomainAdmin.graphql(`{ domain(name: "${DISTRICT1}") { subDomains { name } } }`);
    expect(above.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('a sub-domain admin of west sees nothing of east nor district2 in any list', async () => {
    const west = who.subdomainAdmin;
    const inWest = (name: string | null) => name !== null && (name === WEST || name.endsWith(`.${WEST}`) || name.endsWith(`@${WEST}`));

    const domains = await keysOf(west, '/domains?limit=500');
    expect(domains).toContain(WEST);
    expect(domains).toContain(places.west.subdomain);
    expect(domains.filter((name) => !inWest(name))).toEqual([]);
    const graphqlDomains = await west.graphql('{ domains(limit: 50) { items { name accounts(limit: 20, q: "fixture") { items { address } } } } }');
    const graphqlNames = graphqlDomains.data.domains.items.map((d: { name: string }) => d.name);
    expect(graphqlNames.sort()).toEqual([...domains].sort());
    const nestedAccounts = graphqlDomains.data.domains.items.flatMap((d: { accounts: { items: Array<{ address: string }> } }) => d.accounts.items.map((a) => a.address));
    expect(nestedAccounts).toContain(places.west.account);
    expect(nestedAccounts.filter((a: string) => !inWest(a))).toEqual([]);

    const accounts = await keysOf(west, `/domains/${WEST}/accounts?subtree=true&limit=500`, 'address');
    expect(accounts).toContain(places.west.account);
    expect(accounts.filter((a) => !inWest(a))).toEqual([]);
    for (const segment of ['aliases', 'lists', 'groups']) {
      const items = await keysOf(west, `/domains/${WEST}/${segment}?limit=500`, 'address');
      expect(items.length, segment).toBeGreaterThan(0);
      expect(items.filter((a) => !inWest(a)), segment).toEqual([]);
      for (const domain of [EAST, DISTRICT2, DISTRICT1]) expect((await west.get(`/domains/${domain}/${segment}`)).status, `${segment} of ${domain}`).toBe(404);
    }

    const wordLists = (await west.get('/word-lists?limit=500')).body.items as Array<{ name: string; scope: string; domain: string | null; account: string | null }>;
    expect(wordLists.map((l) => l.name)).toEqual(expect.arrayContaining([places.west.domainWordList.name, places.west.accountWordList.name, platform.systemWordList.name]));
    expect(wordLists.filter((l) => l.scope !== 'system' && !inWest(l.domain ?? l.account))).toEqual([]);
    const graphqlWordLists = await west.graphql('{ wordLists(limit: 500) { items { name scope domain account } } }');
    expect(graphqlWordLists.data.wordLists.items.map((l: { name: string }) => l.name).sort()).toEqual(wordLists.map((l) => l.name).sort());

    const classes = (await west.get('/classes-of-service?limit=500')).body.items as Array<{ name: string; domain: string | null }>;
    expect(classes.map((c) => c.name)).toEqual(expect.arrayContaining([places.west.classOfService, platform.classOfService]));
    expect(classes.filter((c) => c.domain !== null && !inWest(c.domain))).toEqual([]);

    const sets = (await west.get('/permission-sets?limit=500')).body.items as Array<{ name: string; domain: string | null }>;
    expect(sets.map((s) => s.name)).toContain(places.west.permissionSet);
    expect(sets.filter((s) => s.domain !== null && !inWest(s.domain))).toEqual([]);

    const keys = (await west.get('/api-keys?limit=500')).body.items as Array<{ name: string; domain: string | null }>;
    expect(keys.map((k) => k.name)).toContain(places.west.apiKey.name);
    expect(keys.filter((k) => !inWest(k.domain))).toEqual([]);

    const admins = (await west.get('/admins?limit=500')).body.items as Array<{ username: string; assignments: Array<{ domain: string | null }> }>;
    const adminNames = admins.map((a) => a.username);
    expect(adminNames).toContain(places.west.admin.username);
    for (const hidden of [places.east.admin.username, places.district2.admin.username, 'pm1', 'pm2', 'staff']) expect(adminNames).not.toContain(hidden);
    expect(admins.flatMap((a) => a.assignments).filter((a) => !inWest(a.domain))).toEqual([]);
    const graphqlAdmins = await west.graphql('{ admins(limit: 500) { items { username } } }');
    expect(graphqlAdmins.data.admins.items.map((a: { username: string }) => a.username).sort()).toEqual([...adminNames].sort());

    const westPath = (await api.prisma.domain.findUniqueOrThrow({ where: { name: WEST } })).path;
    const events = (await west.get('/audit-events?limit=500')).body.items as Array<{ domainPath: string | null }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => !e.domainPath?.startsWith(westPath))).toEqual([]);
    const creations = await keysOf(west, '/audit-events?limit=500&action=domain.create', 'subjectId');
    expect(creations).toContain(places.west.subdomain);
    expect(creations.filter((name) => !inWest(name))).toEqual([]);
    const graphqlEvents = await west.graphql('{ auditEvents(action: "domain.create", limit: 500) { items { id subjectId } } }');
    expect(graphqlEvents.data.auditEvents.items.map((e: { subjectId: string }) => e.subjectId).sort()).toEqual([...creations].sort());
    expect(graphqlEvents.data.auditEvents.items.map((e: { subjectId: string }) => e.subjectId)).not.toContain(places.east.subdomain);
    expect(graphqlEvents.data.auditEvents.items.map((e: { subjectId: string }) => e.subjectId)).not.toContain(places.district2.subdomain);
  });
});
