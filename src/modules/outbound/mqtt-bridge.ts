// The MQTT bridge: every committed version of every stream, published as JSON at QoS 1 on
// <prefix>/cinema/<cinema>/hall/<hall>[/showing/<showing>]/changes, and the whole current
// state retained on .../snapshot, so a device that connects late has it at once
// (docs/mqtt.md). Only the instance holding the "mqtt" lock publishes; it resumes from the
// durable cursor, which moves only after the broker acknowledged (PUBACK) every version
// up to it. So a broker outage, a crash or a takeover can resend a version (same number:
// devices drop what is not newer than what they have) but never skip one.
import type { MqttClient, connect as mqttConnect } from 'mqtt';
import type { Logger } from '../../core/logger.js';
import type { Cursors } from './cursors.js';
import type { Leadership } from '../../core/db/leadership.js';
import { Pump } from './pump.js';
import type { StreamChange, StreamHead, StreamScope, StreamSnapshot, StreamSource } from './stream-source.js';

export const MQTT_CONSUMER = 'mqtt';
/** Versions read and published per round trip to the database. */
const BATCH = 100;
/** A publish without PUBACK by then fails the pass, which retries from the cursor. */
const PUBLISH_TIMEOUT_MS = 10_000;

export interface MqttBridgeOptions {
  url: string;
  topicPrefix: string;
  clientId: string | undefined;
  source: StreamSource;
  cursors: Cursors;
  leadership: Leadership;
  sweepMs: number;
  logger: Logger;
  /** The hall's current showing (what hall.subscribe shows), null for its own map. */
  currentShowing(hallId: number): number | null;
}

export function streamTopic(prefix: string, scope: StreamScope): string {
  const hall = `${prefix}/cinema/${scope.cinema_id}/hall/${scope.hall_id}`;
  return scope.showing_id === undefined ? hall : `${hall}/showing/${scope.showing_id}`;
}

export function changePayload(change: StreamChange, scope: StreamScope): string {
  return JSON.stringify({ type: 'change', stream: change.stream, ...scope, version: change.version, seats: change.seats });
}

export function snapshotPayload(snapshot: StreamSnapshot): string {
  return JSON.stringify({ type: 'snapshot', stream: snapshot.stream, ...snapshot.scope, version: snapshot.version, seats: snapshot.seats });
}

/** The broker's address without credentials, for logs. */
function brokerOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'MQTT_URL';
  }
}

/**
 * `mqtt` (~0.3 s of CPU to import, the most of any package) is loaded only when MQTT_URL
 * is set, and only then: esbuild lifts a bundle's package imports to its start.
 */
export async function startMqttBridge(options: MqttBridgeOptions): Promise<MqttBridge> {
  const { connect } = await import('mqtt');
  return new MqttBridge(options, connect);
}

export class MqttBridge {
  private readonly client: MqttClient;
  private readonly pump: Pump;
  /** Streams whose retained snapshot must be (re)published on the next pass. */
  private snapshotAll = true;
  /** What was live at the last pass, to clear the retained snapshot of a deleted stream. */
  private known = new Map<string, StreamScope>();
  /** The retained `current` message last published per hall topic. */
  private currents = new Map<string, string>();
  private readonly logger: Logger;

  constructor(
    private readonly options: MqttBridgeOptions,
    connect: typeof mqttConnect,
  ) {
    this.logger = options.logger;
    const broker = brokerOf(options.url);
    this.client = connect(options.url, {
      clientId: options.clientId ?? `seats-sync-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
    });
    // An unreachable broker fails every reconnect (each second): its error is logged once, not each time.
    let lastError: string | undefined;
    this.client.on('connect', () => {
      lastError = undefined;
      this.logger.info('mqtt connected', { broker });
      // The broker may have restarted without its retained messages.
      this.snapshotAll = true;
      this.pump.wake();
    });
    this.client.on('close', () => this.logger.debug('mqtt connection closed', { broker }));
    this.client.on('offline', () => this.logger.warn('mqtt broker unreachable; publishing resumes from the cursor when it is back', { broker }));
    this.client.on('error', (error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn('mqtt error', { broker, error: error.message });
    });
    this.pump = new Pump({
      name: MQTT_CONSUMER,
      pass: () => this.pass(),
      canRun: () => options.leadership.leading && this.client.connected,
      sweepMs: options.sweepMs,
      retryMs: 1_000,
      logger: options.logger,
    });
    options.leadership.onChange((leading) => {
      if (!leading) return;
      // A new leader does not know what the broker retains.
      this.snapshotAll = true;
      this.pump.wake();
    });
  }

  /** A commit (or anything else) may have made work. */
  wake(): void {
    this.pump.wake();
  }

  /** Tests: resolves once no pass is running. */
  idle(): Promise<void> {
    return this.pump.idle();
  }

  async close(): Promise<void> {
    const stopped = this.pump.close();
    // Forced: a publish waiting for a PUBACK from a broker that is gone fails at once
    // instead of holding shutdown; its version stays above the cursor for the next publisher.
    await this.client.endAsync(true);
    await stopped;
  }

  private async publish(topic: string, payload: string, retain: boolean): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.publishAsync(topic, payload, { qos: 1, retain }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no PUBACK within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async pass(): Promise<void> {
    const { source, cursors, topicPrefix } = this.options;
    const heads = await source.heads();
    const positions = await cursors.load(MQTT_CONSUMER, heads);
    const snapshotAll = this.snapshotAll;
    this.snapshotAll = false;
    try {
      for (const head of heads) {
        if (!this.options.leadership.leading || !this.client.connected) throw new Error('stopped publishing: not leading or broker gone');
        const published = await this.publishStream(head, positions.get(head.stream) ?? 0);
        if (published || snapshotAll || !this.known.has(head.stream)) {
          const snapshot = await source.snapshot(head.stream);
          if (snapshot) await this.publish(`${streamTopic(topicPrefix, snapshot.scope)}/snapshot`, snapshotPayload(snapshot), true);
        }
      }
    } catch (error) {
      this.snapshotAll ||= snapshotAll;
      throw error;
    }
    const live = new Map(heads.map((head) => [head.stream, head.scope]));
    for (const [stream, scope] of this.known) {
      // A deleted hall: an empty retained message removes its snapshot from the broker.
      if (!live.has(stream)) await this.publish(`${streamTopic(topicPrefix, scope)}/snapshot`, '', true);
      if (!live.has(stream) && scope.showing_id === undefined) await this.publish(`${streamTopic(topicPrefix, scope)}/current`, '', true);
    }
    this.known = live;
    // Which stream each hall shows now (it rolls over with the schedule): retained, so a
    // device that follows "what the hall shows" reads it, then that stream's topics.
    for (const head of heads) {
      if (head.scope.showing_id !== undefined) continue;
      const showingId = this.options.currentShowing(head.scope.hall_id);
      const topic = `${streamTopic(topicPrefix, head.scope)}/current`;
      const payload = JSON.stringify({
        type: 'current',
        ...head.scope,
        showing_id: showingId,
        stream: showingId === null ? head.stream : `showing:${showingId}`,
      });
      if (!snapshotAll && this.currents.get(topic) === payload) continue;
      await this.publish(topic, payload, true);
      this.currents.set(topic, payload);
    }
  }

  /** Publishes every version after the cursor; true when it published any. */
  private async publishStream(head: StreamHead, cursor: number): Promise<boolean> {
    const { source, cursors, topicPrefix } = this.options;
    if (head.version < cursor) {
      // Versions went back (a restored database): follow the database, the snapshot says where it is.
      this.logger.warn('stream version below the mqtt cursor; restarting the stream there', { stream: head.stream, version: head.version, cursor });
      await cursors.reset(MQTT_CONSUMER, head.stream, head.version);
      return true;
    }
    const topic = `${streamTopic(topicPrefix, head.scope)}/changes`;
    let position = cursor;
    while (position < head.version) {
      const changes = await source.changesAfter(head.stream, position, BATCH);
      if (changes.length === 0) break;
      // Sent back to back on one connection: the broker keeps their order, and the
      // cursor moves once every one of them is acknowledged.
      await Promise.all(changes.map((change) => this.publish(topic, changePayload(change, head.scope), false)));
      position = changes.at(-1)!.version;
      await cursors.advance(MQTT_CONSUMER, head.stream, position);
    }
    return position > cursor;
  }
}
