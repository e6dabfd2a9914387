import type { Command } from 'commander';
import { path } from '../http.js';
import { record, table, type Column } from '../output.js';
import { act, collect, given, group, leaf, onOff, paged } from '../define.js';
import type { Environment } from '../invocation.js';

const columns: Array<Column<any>> = [
  ['ID', (w) => w.id],
  ['URL', (w) => w.url],
  ['EVENTS', (w) => w.events.join(',')],
  ['DOMAIN', (w) => w.domain],
  ['ACTIVE', (w) => w.active],
];

const deliveryColumns: Array<Column<any>> = [
  ['ID', (d) => d.id],
  ['EVENT', (d) => d.event],
  ['STATUS', (d) => d.status],
  ['ATTEMPTS', (d) => d.attempts],
  ['LAST CODE', (d) => d.lastStatusCode],
  ['LAST ERROR', (d) => d.lastError],
  ['CREATED', (d) => d.createdAt],
];

export function registerWebhook(program: Command, environment: Environment) {
  const webhook = group(program, 'webhook', 'Change notifications for the CMS (signed HTTP POSTs)', 'schoolmail webhook list');

  leaf(webhook, 'add <url>', 'Subscribe a URL to events; the signing secret is shown once', 'schoolmail webhook add https://cms.example/hooks --event "account.*" --event domain.deleted')
    .requiredOption('--event <pattern>', 'event name or pattern (account.created, domain.*, *); repeat for more', collect)
    .option('--secret <secret>', 'signing secret (default: generated)')
    .option('--description <text>', 'what it is for')
    .action(
      act(environment, async (run, url: string, options: { event: string[]; secret?: string; description?: string }) => {
        const created = await run.api.post('/webhooks', given({ url, events: options.event, secret: options.secret, description: options.description }));
        run.show(created, () => `${record(created, ['secret'])}\n\nsigning secret (shown once; store it now):\n${created.secret}`);
      }),
    );

  paged(leaf(webhook, 'list', 'List webhooks', 'schoolmail webhook list')).action(
    act(environment, async (run, options: object) => run.list('/webhooks', {}, options, columns)),
  );

  leaf(webhook, 'show <id>', 'Show a webhook (never its secret)', 'schoolmail webhook show 3').action(
    act(environment, async (run, id: string) => {
      const found = await run.api.get(path`/webhooks/${id}`);
      run.show(found, () => record(found));
    }),
  );

  leaf(webhook, 'set <id>', 'Change a webhook', 'schoolmail webhook set 3 --active off')
    .option('--url <url>', 'new URL')
    .option('--event <pattern>', 'replace the events; repeat for more', collect)
    .option('--description <text>', 'what it is for')
    .option('--active <on-or-off>', 'deliver (on) or pause (off)', onOff)
    .action(
      act(environment, async (run, id: string, options: { url?: string; event?: string[]; description?: string; active?: boolean }) => {
        const changed = await run.api.patch(path`/webhooks/${id}`, given({ url: options.url, events: options.event, description: options.description, active: options.active }));
        run.show(changed, () => record(changed));
      }),
    );

  leaf(webhook, 'rm <id>', 'Delete a webhook and its delivery log', 'schoolmail webhook rm 3').action(
    act(environment, async (run, id: string) => {
      await run.api.delete(path`/webhooks/${id}`);
      run.print(run.json ? '' : `deleted webhook ${id}`);
    }),
  );

  paged(leaf(webhook, 'deliveries <id>', 'The delivery log: status, attempts, last answer', 'schoolmail webhook deliveries 3 --all')).action(
    act(environment, async (run, id: string, options: object) => run.list(path`/webhooks/${id}/deliveries`, {}, options, deliveryColumns)),
  );

  leaf(webhook, 'retry <id> <delivery>', 'Send a failed delivery again now', 'schoolmail webhook retry 3 118').action(
    act(environment, async (run, id: string, delivery: string) => {
      const retried = await run.api.post(path`/webhooks/${id}/deliveries/${delivery}/retry`, {});
      run.show(retried, () => table([retried], deliveryColumns));
    }),
  );
}
