// Committed changes pushed out of the server: the MQTT bridge (when MQTT_URL is set) and
// signed webhooks. Both read the streams through stream-source.ts only, keep durable
// cursors per stream, and run on one instance at a time (leadership.ts). Commit
// notifications only wake them; a periodic sweep catches anything a lost one hid.
import type { ChangeBus } from '../../core/bus/bus.js';
import type { Config } from '../../core/config.js';
import type { Database } from '../../core/db/index.js';
import type { Logger } from '../../core/logger.js';
import type { MessageHandler } from '../../core/protocol/handler.js';
import { createCursors } from './cursors.js';
import { advisoryLeadership, alwaysLeading, LOCKS, type Leadership } from '../../core/db/leadership.js';
import { startMqttBridge, type MqttBridge } from './mqtt-bridge.js';
import { createStreamSource, WAKE_CHANNELS } from './stream-source.js';
import type { Clock } from '../../core/clock.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { createWebhookHandlers } from './webhook.controller.js';
import { createWebhookModel } from './webhook.model.js';
import { sendWebhook } from './webhook-sender.js';

export { webhookMessages } from './webhook.controller.js';

/** How often a standby instance tries to take over (and the leader checks its lock connection). */
const LOCK_RETRY_MS = 500;

/** Tests only. */
export interface OutboundDeps {
  /** Webhook backoff and disabling run on it (the server's clock). */
  clock: Clock;
  database: Database;
  bus: ChangeBus;
  /** After resolveSecrets: totpEncryptionKey seals webhook secrets. */
  config: Config;
  logger: Logger;
  /** The hall's current showing, from the schedule (the MQTT `current` topic). */
  currentShowing(hallId: number): number | null;
}

export interface OutboundModule {
  handlers: MessageHandler[];
  mqtt: MqttBridge | undefined;
  webhooks: WebhookDeliverer;
  close(): Promise<void>;
}

export async function startOutbound({ database, bus, config, logger: parent, clock, currentShowing }: OutboundDeps): Promise<OutboundModule> {
  const logger = parent.child({ module: 'outbound' });
  const { outbound } = config;
  const sql = <T>(text: string, params: unknown[]) => database.sql<T>(text, params);
  const source = createStreamSource(sql);
  const cursors = createCursors(sql);
  const lead = (name: keyof typeof LOCKS): Leadership =>
    database.connectionString === undefined
      ? alwaysLeading()
      : advisoryLeadership({ connectionString: database.connectionString, lock: LOCKS[name], retryMs: LOCK_RETRY_MS, logger, name });

  const model = createWebhookModel(database.prisma, config.totpEncryptionKey!);
  const webhookLead = lead('webhooks');
  const webhooks = new WebhookDeliverer({
    model,
    source,
    cursors,
    leadership: webhookLead,
    send: (request) => sendWebhook(request),
    clock,
    settings: outbound.webhooks,
    sweepMs: outbound.sweepMs,
    logger,
  });
  const mqttLead = outbound.mqtt.url ? lead('mqtt') : undefined;
  const mqtt =
    outbound.mqtt.url && mqttLead
      ? await startMqttBridge({ url: outbound.mqtt.url, topicPrefix: outbound.mqtt.topicPrefix, clientId: outbound.mqtt.clientId, source, cursors, leadership: mqttLead, sweepMs: outbound.sweepMs, logger, currentShowing })
      : undefined;

  const committed = () => {
    mqtt?.wake();
    webhooks.committed();
  };
  for (const channel of WAKE_CHANNELS) await bus.listen(channel, committed);
  bus.onReconnect(() => {
    mqtt?.wake();
    webhooks.wake();
  });
  mqtt?.wake();
  webhooks.wake();

  return {
    handlers: createWebhookHandlers({ model, source, cursors, deliverer: webhooks, allowPrivate: outbound.webhooks.allowPrivate }),
    mqtt,
    webhooks,
    async close() {
      await Promise.all([mqtt?.close(), webhooks.close()]);
      await Promise.all([mqttLead?.close(), webhookLead.close()]);
    },
  };
}
