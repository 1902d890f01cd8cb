// Delivers every committed version of every stream an endpoint asked for, signed, in
// version order per stream, at least once: the endpoint's durable cursor (consumer
// "webhook:<id>") moves only after a 2xx. A failure stops that endpoint (later versions
// must not overtake it) and retries after an exponential backoff (1 s, 2 s, 4 s ... at
// most 10 min); failing without a single success for WEBHOOK_DISABLE_AFTER_SECONDS
// disables it, with the reason, for an admin to see and re-enable. Only the instance
// holding the "webhooks" lock delivers.
import type { Logger } from '../../core/logger.js';
import type { Cursors } from './cursors.js';
import type { Leadership } from '../../core/db/leadership.js';
import { Pump } from './pump.js';
import type { StreamChange, StreamHead, StreamSource } from './stream-source.js';
import type { EndpointRow, WebhookModel } from './webhook.model.js';
import type { SendResult, WebhookRequest } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';
import type { Clock } from '../../core/clock.js';


const BATCH = 50;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 10 * 60_000;

export const webhookConsumer = (id: number) => `webhook:${id}`;

/** Same for every attempt of one version, so receivers can drop repeats (the spec's idempotency key). */
export const messageIdOf = (change: StreamChange) => `msg_${change.stream.replace(/[^A-Za-z0-9]+/g, '_')}_v${change.version}`;

export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

export interface WebhookDelivererOptions {
  model: WebhookModel;
  source: StreamSource;
  cursors: Cursors;
  leadership: Leadership;
  send(request: WebhookRequest): Promise<SendResult>;
  clock: Clock;
  settings: { allowPrivate: boolean; disableAfterSeconds: number; timeoutMs: number; logSize: number };
  sweepMs: number;
  logger: Logger;
}

interface Backoff {
  failures: number;
  /** Not before this (clock ms). */
  nextAt: number;
}

export class WebhookDeliverer {
  private readonly pump: Pump;
  private readonly backoff = new Map<number, Backoff>();
  private cancelTimer: (() => void) | undefined;
  /** The last pass found no enabled endpoint: commits need no pass until the next sweep or admin change. */
  private noEndpoints = false;

  constructor(private readonly options: WebhookDelivererOptions) {
    this.pump = new Pump({
      name: 'webhooks',
      pass: () => this.pass(),
      canRun: () => options.leadership.leading,
      sweepMs: options.sweepMs,
      retryMs: 1_000,
      logger: options.logger,
    });
    options.leadership.onChange((leading) => leading && this.pump.wake());
  }

  wake(): void {
    this.pump.wake();
  }

  /**
   * A commit's wake-up. Without endpoints it costs nothing: an endpoint registered on
   * another instance starts at the versions of its registration, so the next sweep
   * (OUTBOUND_SWEEP_MS) delivers what came since.
   */
  committed(): void {
    if (!this.noEndpoints) this.pump.wake();
  }

  /** Tests: resolves once no pass is running. */
  idle(): Promise<void> {
    return this.pump.idle();
  }

  /** An admin changed the endpoint: its failures so far no longer count against retrying now. */
  forget(id: number): void {
    this.backoff.delete(id);
    this.pump.wake();
  }

  async close(): Promise<void> {
    this.cancelTimer?.();
    await this.pump.close();
  }

  private async pass(): Promise<void> {
    const { model, source, clock } = this.options;
    const endpoints = await model.listEnabled();
    this.noEndpoints = endpoints.length === 0;
    if (this.noEndpoints) {
      this.backoff.clear();
      return;
    }
    const heads = await source.heads();
    const now = clock.now();
    for (const id of this.backoff.keys()) {
      const endpoint = endpoints.find((e) => e.id === id);
      // Gone, or re-enabled by an admin on any instance (failing_since cleared).
      if (!endpoint || endpoint.failing_since === null) this.backoff.delete(id);
    }
    await Promise.all(endpoints.filter((e) => (this.backoff.get(e.id)?.nextAt ?? 0) <= now).map((e) => this.deliverEndpoint(e, heads)));
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const next = Math.min(...[...this.backoff.values()].map((b) => b.nextAt));
    if (!Number.isFinite(next)) return;
    this.cancelTimer = this.options.clock.at(Math.max(next, this.options.clock.now()), () => this.pump.wake());
  }

  private async deliverEndpoint(endpoint: EndpointRow, allHeads: StreamHead[]): Promise<void> {
    const { cursors, source } = this.options;
    const consumer = webhookConsumer(endpoint.id);
    const heads = allHeads.filter((head) => endpoint.events.includes(head.event));
    const positions = await cursors.load(consumer, heads);
    let secret: string;
    try {
      secret = this.options.model.secretOf(endpoint);
    } catch {
      await this.options.model.disable(endpoint.id, 'the signing secret cannot be decrypted (TOTP_ENCRYPTION_KEY changed?); delete and register the endpoint again');
      return;
    }
    let delivered = false;
    for (const head of heads) {
      let position = positions.get(head.stream) ?? 0;
      if (head.version < position) {
        this.options.logger.warn('stream version below a webhook cursor; restarting the stream there', { stream: head.stream, webhook: endpoint.id });
        await cursors.reset(consumer, head.stream, head.version);
        continue;
      }
      while (position < head.version) {
        const changes = await source.changesAfter(head.stream, position, BATCH);
        if (changes.length === 0) break;
        for (const change of changes) {
          if (!this.options.leadership.leading) return;
          const result = await this.deliverOne(endpoint, secret, head, change);
          if (!result.ok) {
            await this.failed(endpoint, result);
            return;
          }
          delivered = true;
          position = change.version;
          await cursors.advance(consumer, head.stream, position);
        }
      }
    }
    if (delivered || this.backoff.has(endpoint.id)) {
      this.backoff.delete(endpoint.id);
      if (endpoint.failing_since !== null) await this.options.model.markHealthy(endpoint.id);
    }
  }

  private async deliverOne(endpoint: EndpointRow, secret: string, head: StreamHead, change: StreamChange): Promise<SendResult> {
    const { settings, clock, model } = this.options;
    const id = messageIdOf(change);
    // The event's time is its commit's (the same on every retry); the header's is the attempt's.
    const occurred = change.seats[0]?.updated_at ?? new Date(clock.now()).toISOString();
    const body = JSON.stringify({ type: head.event, timestamp: occurred, data: { stream: change.stream, ...head.scope, version: change.version, seats: change.seats } });
    const timestamp = Math.floor(clock.now() / 1000);
    const result = await this.options.send({
      url: endpoint.url,
      body,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body) },
      timeoutMs: settings.timeoutMs,
      allowPrivate: settings.allowPrivate,
    });
    await model.logDelivery(
      endpoint.id,
      { message_id: id, stream: change.stream, version: change.version, ok: result.ok, status_code: result.status, error: result.error?.slice(0, 500) ?? null, duration_ms: result.durationMs },
      settings.logSize,
    );
    return result;
  }

  private async failed(endpoint: EndpointRow, result: SendResult): Promise<void> {
    const { clock, model, settings, logger } = this.options;
    const now = clock.now();
    const previous = this.backoff.get(endpoint.id);
    const failures = (previous?.failures ?? 0) + 1;
    this.backoff.set(endpoint.id, { failures, nextAt: now + backoffMs(failures) });
    const since = endpoint.failing_since ? Date.parse(endpoint.failing_since) : now;
    if (endpoint.failing_since === null) await model.markFailing(endpoint.id, new Date(now));
    logger.warn('webhook delivery failed', { webhook: endpoint.id, error: result.error, failures, retryInMs: backoffMs(failures) });
    if (now - since >= settings.disableAfterSeconds * 1000) {
      const reason = `disabled after failing since ${new Date(since).toISOString()} (${settings.disableAfterSeconds} s without a successful delivery); last error: ${result.error ?? 'unknown'}`;
      await model.disable(endpoint.id, reason);
      this.backoff.delete(endpoint.id);
      logger.warn('webhook disabled', { webhook: endpoint.id });
    }
  }
}
