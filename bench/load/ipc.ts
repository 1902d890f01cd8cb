// Messages between the coordinator (bench/run.ts) and its load processes, over the
// node IPC channel. Times are wall-clock ms (clock.ts), comparable across processes.
export type TargetKind = 'raw' | 'socketio' | 'seats';

export interface Endpoint {
  kind: TargetKind;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** `seats_session=...` for our server; baselines have no auth. */
  cookie?: string;
}

export interface OpenCommand {
  cmd: 'open';
  /** One per server process of the target (several instances on one database), else one. */
  endpoints: Endpoint[];
  /** One entry per socket: the hall it subscribes to, or null for an idle socket. */
  halls: (number | null)[];
  /** One entry per socket, beside `halls`: the index in `endpoints` it connects to. */
  instances: number[];
  /** Handshakes in flight at once: beyond the listen backlog, SYNs are retried after 1 s. */
  concurrency: number;
  /**
   * Offer permessage-deflate without context takeover (bench/micro/rollover-bytes.ts, its
   * shared compressed frame); absent: no compression, as every scenario runs.
   */
  deflate?: boolean;
}

/** A hall's seat map: its own (showing null) or one showing's; each has its own versions. */
export type MapRef = [hall: number, showing: number | null];

export interface FinishCommand {
  cmd: 'finish';
  /** [hall, showing, last committed version]: every subscriber showing that map must reach it. */
  finals: [number, number | null, number][];
  /**
   * [hall, showing]: the map every subscriber of the hall must show by now (rollover
   * scenario); a subscriber still on another one is unserved. Absent: no such check.
   */
  maps?: MapRef[];
  timeoutMs: number;
}

export type LoaderCommand = OpenCommand | FinishCommand;

export interface OpenedReport {
  msg: 'opened';
  opened: number;
  failed: number;
  /** The first few failure reasons, for the log. */
  failures: string[];
  /** Our server only: the session cookie was accepted (user.subscribe said 'user'). */
  authenticated?: boolean;
}

/** Receipts of one version of one map in one loader: [hall, version, count, firstAt, lastAt, showing]. */
export type VersionReceipts = [number, number, number, number, number, number | null];

/** A `snapshot` push with reason "rollover": [hall, the showing it moved to (null: its own map), receivedAt]. */
export type RolloverReceipt = [number, number | null, number];

export interface ResultReport {
  msg: 'result';
  /** Update frames received. */
  deliveries: number;
  /** A version skipped (a missed push). */
  gaps: number;
  /** A version at or below one already seen (duplicate or reordered). */
  stale: number;
  /** An update of a map other than the one the subscription shows (after a rollover: the old one). */
  foreign: number;
  /** An update before the subscription's snapshot. */
  early: number;
  /** Subscribers that never reached the final version of their hall. */
  unserved: number;
  /** Sockets closed by the server during the run. */
  closed: number;
  versions: VersionReceipts[];
  rollovers: RolloverReceipt[];
}

/** Sent once the process listens for commands: IPC messages sent before that are lost. */
export interface HelloReport {
  msg: 'hello';
}

export type LoaderReport = HelloReport | OpenedReport | ResultReport;

export interface WriterPlan {
  endpoint: Endpoint;
  halls: number[];
  /** Open loop at a fixed rate across halls, or closed loop: each connection sends its next change on the reply. */
  mode: { kind: 'rate'; perSecond: number } | { kind: 'closed' };
  connections: number;
  durationMs: number;
  /** Seats per change: 1, or a batch. */
  batch: number;
  /**
   * Changes written one after another to `hall` (one nobody subscribes to) while preparing,
   * not reported: a fresh server compiles its hot code (V8's optimising compiler, and
   * PGlite's WebAssembly tier-up) on its first changes, on V8's worker threads, a cost
   * of the process's first seconds that would otherwise be charged to the measured window.
   */
  warmup?: { hall: number; changes: number };
}

export type WriterCommand = { cmd: 'prepare'; plan: WriterPlan } | { cmd: 'go' };

/** One committed change: [hall, version, sentAt, repliedAt, seats changed, showing (null: the hall's own map)]. */
export type Commit = [number, number, number, number, number, number | null];

export type WriterReport =
  | HelloReport
  | { msg: 'ready' }
  | { msg: 'done'; commits: Commit[]; errors: Record<string, number>; startedAt: number; endedAt: number };
