import type { Command } from 'commander';
import { type Column } from '../output.js';
import { act, choice, group, leaf, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['AT', (e) => e.at],
  ['ACTOR', (e) => e.actorName],
  ['ROLE', (e) => e.role],
  ['VIA', (e) => e.interface],
  ['ACTION', (e) => e.action],
  ['OUTCOME', (e) => e.outcome],
  ['SUBJECT', (e) => `${e.subjectType}${e.subjectId ? ` ${e.subjectId}` : ''}`],
];

export function registerAudit(program: Command, environment: Environment) {
  const audit = group(program, 'audit', 'The audit log: who changed what, when, from where', 'schoolmail audit list --domain district1.k12.us --since 2026-09-01');

  paged(leaf(audit, 'list', 'List audit events, newest first', 'schoolmail audit list --actor apikey:CMS --action account.create --limit 20'))
    .option('--actor <name>', 'who acted (an admin, apikey:<name>, or an address)')
    .option('--domain <domain>', 'events in this domain and its sub-domains')
    .option('--action <action>', 'e.g. account.create')
    .addOption(choice('--outcome <outcome>', 'success or denied', ['success', 'denied']))
    .option('--since <date>', 'from this date or time (ISO)')
    .option('--until <date>', 'up to this date or time (ISO)')
    .action(
      act(environment, async (run, options: { actor?: string; domain?: string; action?: string; outcome?: string; since?: string; until?: string }) => {
        const query = { actor: options.actor, domain: options.domain, action: options.action, outcome: options.outcome, since: options.since, until: options.until };
        await run.list('/audit-events', query, options, columns);
      }),
    );
}
