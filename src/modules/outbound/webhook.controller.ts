// Socket messages for admins to manage webhook endpoints (the staff console uses them).
import { AppError } from '../../core/errors.js';
import { deletedSchema, noDataSchema } from '../../core/protocol/schemas.js';
import { defineMessage, handleMessage, type MessageHandler } from '../../core/protocol/handler.js';
import type { Cursors } from './cursors.js';
import type { StreamSource } from './stream-source.js';
import { webhookConsumer, type WebhookDeliverer } from './webhook-deliverer.js';
import { DestinationRefused, parseDestination, resolveDestination } from './webhook-destination.js';
import { publicEndpoint, type WebhookModel } from './webhook.model.js';
import { generateWebhookSecret } from './webhook-signature.js';
import {
  createdWebhookSchema,
  createWebhookData,
  deliveriesData,
  deliveriesSchema,
  updateWebhookData,
  webhookIdData,
  webhookListSchema,
  webhookSchema,
} from './webhook.types.js';

export const webhookMessages = {
  create: defineMessage({
    type: 'webhook.create',
    description:
      'Registers an endpoint for the given event types. From now on every committed change is POSTed to it, signed (Standard Webhooks). The reply carries the signing secret (given or made): the only time it is shown.',
    access: 'admin',
    data: createWebhookData,
    reply: createdWebhookSchema,
    errors: ['WebhookUrlRefused'],
  }),
  list: defineMessage({
    type: 'webhook.list',
    description: 'Every endpoint with its state: enabled, failing since, and why the server disabled it.',
    access: 'admin',
    data: noDataSchema,
    reply: webhookListSchema,
    errors: [],
  }),
  update: defineMessage({
    type: 'webhook.update',
    description:
      'Changes an endpoint. `enabled: true` re-enables a disabled one (it resumes where its deliveries stopped); newly added event types start at the current versions.',
    access: 'admin',
    data: updateWebhookData,
    reply: webhookSchema,
    errors: ['WebhookNotFound', 'WebhookUrlRefused'],
  }),
  delete: defineMessage({
    type: 'webhook.delete',
    description: 'Deletes an endpoint with its cursors and delivery log.',
    access: 'admin',
    data: webhookIdData,
    reply: deletedSchema,
    errors: ['WebhookNotFound'],
  }),
  deliveries: defineMessage({
    type: 'webhook.deliveries',
    description: "The endpoint's latest delivery attempts, newest first (at most WEBHOOK_LOG_SIZE are kept).",
    access: 'admin',
    data: deliveriesData,
    reply: deliveriesSchema,
    errors: ['WebhookNotFound'],
  }),
} as const;

export interface WebhookHandlerDeps {
  model: WebhookModel;
  source: StreamSource;
  cursors: Cursors;
  deliverer: WebhookDeliverer;
  allowPrivate: boolean;
}

async function checkUrl(url: string, allowPrivate: boolean): Promise<string> {
  try {
    const parsed = parseDestination(url);
    await resolveDestination(parsed.hostname, allowPrivate);
    return parsed.href;
  } catch (error) {
    if (error instanceof DestinationRefused) throw new AppError('WebhookUrlRefused', error.message, { reason: error.message });
    throw error;
  }
}

export function createWebhookHandlers({ model, source, cursors, deliverer, allowPrivate }: WebhookHandlerDeps): MessageHandler[] {
  const m = webhookMessages;
  const found = async (id: number) => {
    const endpoint = await model.find(id);
    if (!endpoint) throw new AppError('WebhookNotFound', 'no webhook endpoint with this id');
    return endpoint;
  };
  const wantedHeads = async (events: string[]) => (await source.heads()).filter((head) => events.includes(head.event));
  return [
    handleMessage(m.create, async ({ session }, data) => {
      const url = await checkUrl(data.url, allowPrivate);
      const secret = data.secret ?? generateWebhookSecret();
      const endpoint = await model.create({ url, events: data.events, description: data.description ?? '', secret, createdBy: session!.username });
      // It receives what is committed from now on: every stream starts at its current version.
      await cursors.load(webhookConsumer(endpoint.id), await wantedHeads(endpoint.events));
      deliverer.wake();
      return { endpoint: publicEndpoint(endpoint), secret };
    }),
    handleMessage(m.list, async () => ({ endpoints: (await model.list()).map(publicEndpoint) })),
    handleMessage(m.update, async (_context, data) => {
      const before = await found(data.id);
      const url = data.url === undefined ? undefined : await checkUrl(data.url, allowPrivate);
      if (data.events) await cursors.startAtHead(webhookConsumer(data.id), await wantedHeads(data.events.filter((e) => !before.events.includes(e))));
      const endpoint = await model.update(data.id, { url, events: data.events, description: data.description, enabled: data.enabled });
      if (!endpoint) throw new AppError('WebhookNotFound', 'no webhook endpoint with this id');
      deliverer.forget(endpoint.id);
      return publicEndpoint(endpoint);
    }),
    handleMessage(m.delete, async (_context, data) => {
      if (!(await model.remove(data.id))) throw new AppError('WebhookNotFound', 'no webhook endpoint with this id');
      await cursors.drop(webhookConsumer(data.id));
      deliverer.forget(data.id);
      return { id: data.id, deleted: true as const };
    }),
    handleMessage(m.deliveries, async (_context, data) => {
      await found(data.id);
      return { deliveries: await model.deliveries(data.id, data.limit ?? 50) };
    }),
  ];
}
