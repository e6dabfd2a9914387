import type { Command } from 'commander';
import { path, type Query } from '../http.js';
import { record, type Column } from '../output.js';
import { act, choice, given, group, leaf, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const STATES = ['queued', 'deferred', 'held', 'delivering'];

const columns: Array<Column<any>> = [
  ['ID', (e) => e.id],
  ['STATE', (e) => e.state],
  ['SENDER', (e) => e.sender],
  ['RECIPIENT', (e) => e.recipient],
  ['SIZE', (e) => e.size],
  ['TRIES', (e) => e.attempts],
  ['NEXT', (e) => e.nextAttemptAt],
  ['LAST ERROR', (e) => e.lastError],
];

const domainColumns: Array<Column<any>> = [
  ['DOMAIN', (d) => d.domain],
  ['STATE', (d) => d.state],
  ['QUEUED', (d) => d.queued],
  ['FAILURES', (d) => d.consecutiveFailures],
  ['HELD BY', (d) => d.heldBy],
  ['LAST ERROR', (d) => d.lastError],
];

interface FilterOptions {
  sender?: string;
  recipient?: string;
  remoteDomain?: string;
  state?: string;
  olderThan?: string;
  newerThan?: string;
  minSize?: string;
  maxSize?: string;
  minAttempts?: string;
  maxAttempts?: string;
}

function filterOptions(command: Command) {
  return command
    .option('--sender <address>', 'envelope sender')
    .option('--recipient <address>', 'envelope recipient')
    .option('--remote-domain <domain>', 'destination domain')
    .addOption(choice('--state <state>', 'queue state', STATES))
    .option('--older-than <age>', 'queued before: 90s, 30m, 2h, 1d, 1w or an ISO date')
    .option('--newer-than <age>', 'queued after: same forms')
    .option('--min-size <bytes>', 'at least this size')
    .option('--max-size <bytes>', 'at most this size')
    .option('--min-attempts <n>', 'at least this many delivery attempts')
    .option('--max-attempts <n>', 'at most this many delivery attempts');
}

/** The filter as the API names it; numbers stay strings and the API validates them. */
function filterOf(options: FilterOptions): Query {
  return given({
    sender: options.sender,
    recipient: options.recipient,
    remoteDomain: options.remoteDomain,
    state: options.state,
    olderThan: options.olderThan,
    newerThan: options.newerThan,
    minSize: options.minSize,
    maxSize: options.maxSize,
    minAttempts: options.minAttempts,
    maxAttempts: options.maxAttempts,
  }) as Query;
}

export function registerQueue(program: Command, environment: Environment) {
  const queue = group(program, 'queue', 'The outgoing mail queue and remote domains on hold', 'schoolmail queue list --state deferred --older-than 1d');

  filterOptions(paged(leaf(queue, 'list', 'List queue entries (filters combine)', 'schoolmail queue list --remote-domain example.org --min-attempts 3'))).action(
    act(environment, async (run, options: FilterOptions) => {
      await run.list('/queue', filterOf(options), options, columns);
    }),
  );

  leaf(queue, 'show <id>', 'Show a queue entry with its message headers', 'schoolmail queue show 1042').action(
    act(environment, async (run, id: string) => {
      const entry = await run.api.get(path`/queue/${id}`);
      run.show(entry, () => record(entry));
    }),
  );

  for (const [action, description] of [
    ['delete', 'Delete entries without notice to the sender'],
    ['reschedule', 'Try entries again now'],
    ['bounce', 'Return entries to their senders with a failure notice'],
  ] as const) {
    filterOptions(leaf(queue, `${action} [ids...]`, `${description}: by id, or every entry matching the filters`, `schoolmail queue ${action} 1042 1043`, `schoolmail queue ${action} --remote-domain example.org --older-than 2d`)).action(
      act(environment, async (run, ids: string[], options: FilterOptions) => {
        const filter = filterOf(options);
        const body = ids.length > 0 || Object.keys(filter).length === 0 ? { action, ids } : { action, filter };
        const result = await run.api.post('/queue/actions', body);
        const missing = result.notFound?.length ? `; not found (gone, or not in your domains): ${result.notFound.join(', ')}` : '';
        run.show(result, () => `${action}: ${result.affected} entr${result.affected === 1 ? 'y' : 'ies'}${missing}`);
      }),
    );
  }

  for (const [verb, description] of [
    ['hold', 'Hold all mail for a remote domain (queued, not delivered)'],
    ['release', 'Release a held remote domain'],
  ] as const) {
    leaf(queue, `${verb} <domain>`, description, `schoolmail queue ${verb} example.org`).action(
      act(environment, async (run, domain: string) => {
        const state = await run.api.post(path`/queue/remote-domains/${domain}/${verb}`);
        run.show(state, () => `${state.domain}: ${state.state} (${state.queued} queued)`);
      }),
    );
  }

  paged(leaf(queue, 'domains', 'List remote domains with queued mail or on hold', 'schoolmail queue domains --state held'))
    .addOption(choice('--state <state>', 'only active or held domains', ['active', 'held']))
    .action(
      act(environment, async (run, options: { state?: string }) => {
        await run.list('/queue/remote-domains', { state: options.state }, options, domainColumns);
      }),
    );
}
