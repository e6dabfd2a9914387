import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { accessibleBy, ForbiddenError, subject } from '@schoolmail/rbac';
import { webhookSubscriptionsChanged } from '@schoolmail/mail-engine';
import type { Prisma } from '@schoolmail/prisma';
import { PRISMA, type Database, type Tx } from '../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppError } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { keyset } from '../common/pagination.js';
import { idParam } from '../admins/admin.schemas.js';
import { ownerDomainFor } from './owner-scope.js';
import { WebhookDispatchService } from './webhook-dispatch.service.js';
import { createWebhookInput, listDeliveriesQuery, listWebhooksQuery, updateWebhookInput } from './webhook.schemas.js';

const webhookInclude = { domain: { select: { id: true, name: true, path: true, depth: true } } } satisfies Prisma.WebhookInclude;
type WebhookRow = Prisma.WebhookGetPayload<{ include: typeof webhookInclude }>;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<object>;

/** Never the secret: it is shown once, in the answer to the create. */
export function presentWebhook(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    domain: row.domain?.name ?? null,
    active: row.active,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type WebhookView = ReturnType<typeof presentWebhook>;

export function presentDelivery(row: DeliveryRow) {
  return {
    id: String(row.id),
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    data: row.payload,
  };
}
export type DeliveryView = ReturnType<typeof presentDelivery>;

const newSigningSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(PRISMA) private readonly prisma: Database,
    private readonly audit: AuditService,
    private readonly dispatch: WebhookDispatchService,
  ) {}

  /** Registers a webhook; the signing secret (given or generated) is in this answer only. */
  async create(actor: Actor, rawInput: unknown) {
    const input = parseInput(createWebhookInput, rawInput);
    const secret = input.secret ?? newSigningSecret();
    const created = await this.prisma.$transaction(async (tx) => {
      const domain = await ownerDomainFor(tx, actor, 'Webhook', input.domain);
      const row = await tx.webhook.create({
        data: {
          url: input.url,
          events: input.events,
          secretSealed: this.dispatch.secrets.seal(secret),
          description: input.description ?? null,
          domainId: domain?.id ?? null,
          active: input.active ?? true,
          createdBy: actor.principal.name,
        },
        include: webhookInclude,
      });
      const view = presentWebhook(row);
      await this.audit.record(tx, actor, { action: 'webhook.create', subjectType: 'Webhook', subjectId: row.id, domain, after: view });
      return view;
    });
    webhookSubscriptionsChanged();
    return { ...created, secret };
  }

  async list(actor: Actor, rawQuery: unknown) {
    const query = parseInput(listWebhooksQuery, rawQuery);
    const page = keyset<WebhookRow>({ sortField: 'id', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.webhook.findMany({
      where: { AND: [accessibleBy(actor.ability, 'read').Webhook, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
      include: webhookInclude,
    });
    return page.page(rows, presentWebhook);
  }

  async get(actor: Actor, id: string | number) {
    return presentWebhook(await this.visible(this.prisma, actor, id));
  }

  async update(actor: Actor, id: string | number, rawInput: unknown) {
    const input = parseInput(updateWebhookInput, rawInput);
    const updated = await this.prisma.$transaction(async (tx) => {
      const row = await this.visible(tx, actor, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Webhook', row));
      const data: Prisma.WebhookUpdateInput = {};
      if (input.url !== undefined) data.url = input.url;
      if (input.events !== undefined) data.events = input.events;
      if (input.description !== undefined) data.description = input.description;
      if (input.active !== undefined) data.active = input.active;
      const after = presentWebhook(await tx.webhook.update({ where: { id: row.id }, data, include: webhookInclude }));
      await this.audit.record(tx, actor, { action: 'webhook.update', subjectType: 'Webhook', subjectId: row.id, domain: row.domain, before: presentWebhook(row), after });
      return after;
    });
    webhookSubscriptionsChanged();
    return updated;
  }

  /** Removes the webhook and its delivery log. */
  async remove(actor: Actor, id: string | number) {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.visible(tx, actor, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('delete', subject('Webhook', row));
      await tx.webhook.delete({ where: { id: row.id } });
      await this.audit.record(tx, actor, { action: 'webhook.delete', subjectType: 'Webhook', subjectId: row.id, domain: row.domain, before: presentWebhook(row) });
    });
    webhookSubscriptionsChanged();
  }

  /** The delivery log of one webhook, newest first. */
  async deliveries(actor: Actor, id: string | number, rawQuery: unknown) {
    const query = parseInput(listDeliveriesQuery, rawQuery);
    const webhook = await this.visible(this.prisma, actor, id);
    const page = keyset<DeliveryRow>({ sortField: 'id', direction: 'desc', limit: query.limit, cursor: query.cursor });
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { AND: [{ webhookId: webhook.id }, query.status ? { status: query.status } : {}, page.where] },
      orderBy: page.orderBy as never,
      take: page.take,
    });
    return page.page(rows, presentDelivery);
  }

  /** Sends a delivery again now (a failed one gets one more attempt). */
  async retry(actor: Actor, id: string | number, deliveryId: string) {
    const view = await this.prisma.$transaction(async (tx) => {
      const webhook = await this.visible(tx, actor, id);
      ForbiddenError.from(actor.ability).throwUnlessCan('update', subject('Webhook', webhook));
      if (!/^\d{1,18}$/.test(deliveryId)) throw AppError.notFound('delivery', deliveryId);
      const delivery = await tx.webhookDelivery.findFirst({ where: { id: BigInt(deliveryId), webhookId: webhook.id } });
      if (!delivery) throw AppError.notFound('delivery', deliveryId);
      if (delivery.status === 'delivered') throw AppError.conflict(`delivery ${deliveryId} was already delivered at ${delivery.deliveredAt?.toISOString()}`);
      const after = presentDelivery(await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'pending', nextAttemptAt: new Date() } }));
      await this.audit.record(tx, actor, { action: 'webhook.delivery.retry', subjectType: 'WebhookDelivery', subjectId: delivery.id, domain: webhook.domain, before: presentDelivery(delivery), after });
      return after;
    });
    this.dispatch.wake();
    return view;
  }

  private async visible(db: Database | Tx, actor: Actor, rawId: string | number) {
    const id = idParam(rawId, 'webhook');
    const row = await db.webhook.findFirst({ where: { AND: [accessibleBy(actor.ability, 'read').Webhook, { id }] }, include: webhookInclude });
    if (!row) throw AppError.notFound('webhook', String(rawId));
    return row;
  }
}
