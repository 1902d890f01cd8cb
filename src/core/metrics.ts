// Prometheus metrics (prom-client): one registry per server, made by the composition
// root and passed to the parts that count, so two servers in one process (tests) never
// share a counter. Every name the server exports is defined here, in one place; the
// Grafana dashboard (docs/grafana-dashboard.json) and the README's alerts read them.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Plain numbers for what happens once per socket per push. The push path is hot (10,000
 * sockets per change): a prom-client `inc()` per socket hashes labels, an integer add
 * does not, so connections add here and the counters below read these at scrape time.
 */
export interface SocketTraffic {
  pushes: number;
  bytesSent: number;
  slowConsumerCloses: number;
}

export type UpgradeRefusal = 'not_found' | 'shutting_down' | 'origin' | 'auth_error' | 'database_unavailable' | 'capacity';

export interface Metrics {
  readonly registry: Registry;
  readonly traffic: SocketTraffic;
  readonly connections: Gauge<'kind'>;
  readonly upgradesRefused: Counter<'reason'>;
  readonly subscriptions: Gauge<'topic'>;
  readonly messages: Counter<'type' | 'outcome'>;
  readonly commitBatchSize: Histogram;
  readonly commitSeconds: Histogram;
  readonly commitToPushSeconds: Histogram;
  readonly busReconnects: Counter;
  readonly catchUps: Counter;
  readonly catchUpEvents: Counter;
  readonly hallsLoaded: Gauge;
}

/** The kind of a topic name (`hall:12` -> `hall`), so the label has a handful of values. */
export function topicKind(topic: string): string {
  const colon = topic.indexOf(':');
  return colon === -1 ? topic : topic.slice(0, colon);
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Process CPU, memory, handles, GC, and event-loop delay (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry });
  const traffic: SocketTraffic = { pushes: 0, bytesSent: 0, slowConsumerCloses: 0 };
  const fromTraffic = (name: string, help: string, key: keyof SocketTraffic) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(traffic[key]);
      },
    });
  fromTraffic('seats_sync_pushes_total', 'Pushes written to sockets (one per subscriber per change).', 'pushes');
  fromTraffic('seats_sync_sent_bytes_total', 'WebSocket payload bytes sent (pushes and replies).', 'bytesSent');
  fromTraffic('seats_sync_slow_consumer_closes_total', 'Sockets closed with 4008 for letting too much unsent data pile up.', 'slowConsumerCloses');

  return {
    registry,
    traffic,
    connections: new Gauge({ name: 'seats_sync_connections', help: 'Open WebSocket connections by kind (guest, user).', labelNames: ['kind'], registers }),
    upgradesRefused: new Counter({
      name: 'seats_sync_upgrades_refused_total',
      help: 'WebSocket upgrades refused, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    subscriptions: new Gauge({ name: 'seats_sync_subscriptions', help: 'Live subscriptions by topic kind.', labelNames: ['topic'], registers }),
    messages: new Counter({
      name: 'seats_sync_messages_total',
      help: 'Socket messages handled, by type (unknown for unrecognised types) and outcome (success or the error code).',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    commitBatchSize: new Histogram({
      name: 'seats_sync_commit_batch_changes',
      help: 'Seat changes written by one group-commit call.',
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
    commitSeconds: new Histogram({
      name: 'seats_sync_commit_seconds',
      help: 'Duration of one group-commit call (round trip and commit).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    commitToPushSeconds: new Histogram({
      name: 'seats_sync_commit_to_push_seconds',
      help: "From a change's database timestamp to its push leaving this instance (includes clock skew between database and server hosts).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    busReconnects: new Counter({ name: 'seats_sync_bus_reconnects_total', help: 'Times the LISTEN connection was lost and re-established.', registers }),
    catchUps: new Counter({ name: 'seats_sync_catch_ups_total', help: 'Reads of the durable change log by the hall store.', registers }),
    catchUpEvents: new Counter({ name: 'seats_sync_catch_up_events_total', help: 'Committed changes read from the durable log (not from this process or a push).', registers }),
    hallsLoaded: new Gauge({ name: 'seats_sync_hall_store_halls', help: 'Halls held in the in-memory hall store.', registers }),
  };
}
