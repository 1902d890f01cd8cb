// One measured load against a running target: subscriber sockets spread over load
// processes, optionally a writer, then the numbers every scenario draws from: receipt
// latency per version, deliveries, server CPU per delivery, RSS per connection, and the
// correctness counts (gaps, stale, unserved, closed, missing receipts).
import { sleep } from '../clock.js';
import type { Commit, LoaderCommand, LoaderReport, MapRef, ResultReport, RolloverReceipt, WriterCommand, WriterPlan, WriterReport } from '../load/ipc.js';
import { cpuMs, rssBytes, workerCpuMs } from '../proc-stats.js';
import type { RunningTarget } from '../targets/target.js';
import { ChildLink } from './child-link.js';

export interface LoadPlan {
  /**
   * Subscriber sockets; socket i subscribes to halls[i % halls.length], or stays idle when
   * halls is empty. On a target of several instances they are spread over all of them.
   */
  sockets: number;
  halls: number[];
  loaders: number;
  /** Handshakes in flight per loader. */
  concurrency: number;
  /** Subscribers send the session cookie (our server only; the writer always does). */
  authenticated: boolean;
  writer?: Omit<WriterPlan, 'endpoint'>;
  /** Time for the server to settle before RSS is read, ms. */
  settleMs: number;
  /** Runs before any socket opens (the rollover scenario schedules its showings here). */
  beforeOpen?(): Promise<void>;
  /**
   * Runs once the sockets are open and the writer is ready, before it starts (the
   * rollover scenario waits for its boundary here). May name the map each hall must
   * show at the end. Gets the load processes' pids (the rollover scenario reads their CPU).
   */
  beforeWrites?(loaderPids: number[]): Promise<MapRef[] | undefined>;
  /**
   * Which committed changes every subscriber of the hall must receive as an update;
   * default all. Around a rollover a change to the old map may commit after the hall
   * moved on, and the new map's first versions may be in the rollover snapshot.
   */
  deliveredToAll?(commit: Commit): boolean;
}

export interface LoadMeasurement {
  opened: number;
  failed: number;
  failures: string[];
  authenticated?: boolean;
  /** First handshake to the last socket served, ms. */
  openMs: number;
  rssPerConnection: number;
  /** Update frames received by all subscribers. */
  deliveries: number;
  deliveriesPerSecond: number;
  cpuPerDeliveryUs: number;
  /** The part of it spent off the main thread (V8's compiler and GC workers, libuv's pool). */
  workerCpuPerDeliveryUs: number;
  /** Server CPU (user + system) from the writer's start to the last receipt, ms. */
  serverCpuMs: number;
  /** The same per server process (several instances), the writer's first. */
  serverCpuMsByProcess: number[];
  /** The load processes' CPU per delivery: on a 2-core box they compete with the server. */
  clientCpuPerDeliveryUs: number;
  /** Writer's send to the last / first subscriber's receipt, per committed version, ms. */
  lastReceiptMs: number[];
  firstReceiptMs: number[];
  commits: number;
  commitsPerSecond: number;
  /** Seats changed by the committed changes (a batch changes several). */
  seatChanges: number;
  replyMs: number[];
  errors: Record<string, number>;
  gaps: number;
  stale: number;
  foreign: number;
  early: number;
  unserved: number;
  closed: number;
  /** Receipts a committed version should have had (one per subscriber of its hall) and did not. */
  missing: number;
  /** Every committed change, as the writer reported it. */
  writes: Commit[];
  /** Every rollover snapshot the subscribers received. */
  rollovers: RolloverReceipt[];
}

type Loader = ChildLink<LoaderCommand, LoaderReport>;
type Writer = ChildLink<WriterCommand, WriterReport>;

const FINISH_TIMEOUT_MS = 15_000;

export async function runLoad(target: RunningTarget, plan: LoadPlan): Promise<LoadMeasurement> {
  // Several instances: sockets go round the processes, and server cost is their sum.
  const processes = target.instances ?? [{ pid: target.pid, endpoint: target.endpoint }];
  const serverRss = () => sum(processes.map((p) => rssBytes(p.pid)));
  const processCpu = () => processes.map((p) => cpuMs(p.pid));
  const rssBefore = serverRss();
  const loaders = await Promise.all(Array.from({ length: plan.loaders }, () => ChildLink.start<LoaderCommand, LoaderReport>('bench/load/loader.ts')));
  let writer: Writer | undefined;
  try {
    const socketHalls = Array.from({ length: plan.sockets }, (_, i) => (plan.halls.length ? (plan.halls[i % plan.halls.length] as number) : null));
    // The k-th subscriber of a hall goes to instance k mod n, so every instance serves every hall.
    const socketInstances = Array.from({ length: plan.sockets }, (_, i) => Math.floor(i / Math.max(1, plan.halls.length)) % processes.length);
    const endpoints = processes.map((p) => (plan.authenticated ? p.endpoint : { ...p.endpoint, cookie: undefined }));
    await plan.beforeOpen?.();
    const openStarted = performance.now();
    const opened = await Promise.all(
      loaders.map((loader, l) => {
        const mine = <T>(values: T[]) => values.filter((_, i) => i % plan.loaders === l);
        return loader.ask({ cmd: 'open', endpoints, halls: mine(socketHalls), instances: mine(socketInstances), concurrency: plan.concurrency }, 'opened');
      }),
    );
    const openMs = performance.now() - openStarted;
    await sleep(plan.settleMs);
    const openedCount = sum(opened.map((o) => o.opened));
    const base = {
      opened: openedCount,
      failed: sum(opened.map((o) => o.failed)),
      failures: [...new Set(opened.flatMap((o) => o.failures))].slice(0, 5),
      authenticated: opened[0]?.authenticated,
      openMs,
      rssPerConnection: openedCount > 0 ? (serverRss() - rssBefore) / openedCount : Number.NaN,
    };
    if (!plan.writer) return { ...base, ...noWrites() };

    writer = await ChildLink.start<WriterCommand, WriterReport>('bench/load/writer.ts');
    await writer.ask({ cmd: 'prepare', plan: { ...plan.writer, endpoint: target.endpoint } }, 'ready');
    const maps = await plan.beforeWrites?.(loaders.map((loader) => loader.pid));
    const loadersCpu = () => sum(loaders.map((loader) => cpuMs(loader.pid)));
    const cpuBefore = processCpu();
    const workersBefore = sum(processes.map((p) => workerCpuMs(p.pid)));
    const clientCpuBefore = loadersCpu();
    const done = await writer.ask({ cmd: 'go' }, 'done');
    const finals = finalVersions(done.commits);
    const results = await Promise.all(loaders.map((loader) => loader.ask({ cmd: 'finish', finals, maps, timeoutMs: FINISH_TIMEOUT_MS }, 'result')));
    const cpuByProcess = processCpu().map((ms, i) => ms - (cpuBefore[i] ?? 0));
    const workersSpent = sum(processes.map((p) => workerCpuMs(p.pid))) - workersBefore;
    const cpuSpent = sum(cpuByProcess);
    const clientCpuSpent = loadersCpu() - clientCpuBefore;
    const writes = measureWrites(done.commits, done.errors, done.startedAt, done.endedAt, results, subscribersPerHall(socketHalls), cpuSpent, plan.deliveredToAll ?? (() => true));
    const perDelivery = (ms: number) => (writes.deliveries > 0 ? (ms * 1000) / writes.deliveries : Number.NaN);
    return { ...base, ...writes, serverCpuMsByProcess: cpuByProcess, workerCpuPerDeliveryUs: perDelivery(workersSpent), clientCpuPerDeliveryUs: perDelivery(clientCpuSpent) };
  } finally {
    await Promise.all([...loaders, ...(writer ? [writer] : [])].map((child) => child.stop()));
  }
}

function measureWrites(
  commits: Commit[],
  errors: Record<string, number>,
  startedAt: number,
  endedAt: number,
  results: ResultReport[],
  expected: Map<number, number>,
  cpuSpent: number,
  deliveredToAll: (commit: Commit) => boolean,
): Omit<LoadMeasurement, 'opened' | 'failed' | 'failures' | 'authenticated' | 'openMs' | 'rssPerConnection' | 'clientCpuPerDeliveryUs' | 'workerCpuPerDeliveryUs' | 'serverCpuMsByProcess'> {
  const receipts = new Map<string, { count: number; first: number; last: number }>();
  for (const [hall, version, count, first, last, showing] of results.flatMap((r) => r.versions)) {
    const key = `${hall}:${showing}:${version}`;
    const seen = receipts.get(key);
    if (!seen) receipts.set(key, { count, first, last });
    else {
      seen.count += count;
      seen.first = Math.min(seen.first, first);
      seen.last = Math.max(seen.last, last);
    }
  }
  const lastReceiptMs: number[] = [];
  const firstReceiptMs: number[] = [];
  let missing = 0;
  let lastAt = startedAt;
  for (const commit of commits) {
    const [hall, version, sentAt, , , showing] = commit;
    const seen = receipts.get(`${hall}:${showing}:${version}`);
    if (deliveredToAll(commit)) missing += (expected.get(hall) ?? 0) - (seen?.count ?? 0);
    if (!seen) continue;
    lastReceiptMs.push(seen.last - sentAt);
    firstReceiptMs.push(seen.first - sentAt);
    lastAt = Math.max(lastAt, seen.last);
  }
  const deliveries = sum(results.map((r) => r.deliveries));
  return {
    deliveries,
    deliveriesPerSecond: deliveries / ((lastAt - startedAt) / 1000),
    cpuPerDeliveryUs: deliveries > 0 ? (cpuSpent * 1000) / deliveries : Number.NaN,
    serverCpuMs: cpuSpent,
    lastReceiptMs,
    firstReceiptMs,
    commits: commits.length,
    commitsPerSecond: commits.length / ((endedAt - startedAt) / 1000),
    seatChanges: sum(commits.map((commit) => commit[4])),
    replyMs: commits.map(([, , sentAt, repliedAt]) => repliedAt - sentAt),
    errors,
    gaps: sum(results.map((r) => r.gaps)),
    stale: sum(results.map((r) => r.stale)),
    foreign: sum(results.map((r) => r.foreign)),
    early: sum(results.map((r) => r.early)),
    unserved: sum(results.map((r) => r.unserved)),
    closed: sum(results.map((r) => r.closed)),
    missing,
    writes: commits,
    rollovers: results.flatMap((r) => r.rollovers),
  };
}

function noWrites(): Omit<LoadMeasurement, 'opened' | 'failed' | 'failures' | 'authenticated' | 'openMs' | 'rssPerConnection'> {
  return { deliveries: 0, deliveriesPerSecond: Number.NaN, cpuPerDeliveryUs: Number.NaN, workerCpuPerDeliveryUs: Number.NaN, serverCpuMs: Number.NaN, serverCpuMsByProcess: [], clientCpuPerDeliveryUs: Number.NaN, lastReceiptMs: [], firstReceiptMs: [], commits: 0, commitsPerSecond: Number.NaN, seatChanges: 0, replyMs: [], errors: {}, gaps: 0, stale: 0, early: 0, foreign: 0, unserved: 0, closed: 0, missing: 0, writes: [], rollovers: [] };
}

/** [hall, showing, highest committed version] per map written to. */
function finalVersions(commits: Commit[]): [number, number | null, number][] {
  const finals = new Map<string, [number, number | null, number]>();
  for (const [hall, version, , , , showing] of commits) {
    const key = `${hall}:${showing}`;
    const known = finals.get(key);
    if (!known) finals.set(key, [hall, showing, version]);
    else known[2] = Math.max(known[2], version);
  }
  return [...finals.values()];
}

function subscribersPerHall(socketHalls: (number | null)[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const hall of socketHalls) if (hall !== null) counts.set(hall, (counts.get(hall) ?? 0) + 1);
  return counts;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
