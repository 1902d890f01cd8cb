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
}

export interface FinishCommand {
  cmd: 'finish';
  /** [hall, last committed version]: every subscriber of the hall must reach it. */
  finals: [number, number][];
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

/** Receipts of one version in one loader: [hall, version, count, firstAt, lastAt]. */
export type VersionReceipts = [number, number, number, number, number];

export interface ResultReport {
  msg: 'result';
  /** Update frames received. */
  deliveries: number;
  /** A version skipped (a missed push). */
  gaps: number;
  /** A version at or below one already seen (duplicate or reordered). */
  stale: number;
  /** An update before the subscription's snapshot. */
  early: number;
  /** Subscribers that never reached the final version of their hall. */
  unserved: number;
  /** Sockets closed by the server during the run. */
  closed: number;
  versions: VersionReceipts[];
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
}

export type WriterCommand = { cmd: 'prepare'; plan: WriterPlan } | { cmd: 'go' };

/** One committed change: [hall, version, sentAt, repliedAt, seats changed]. */
export type Commit = [number, number, number, number, number];

export type WriterReport =
  | HelloReport
  | { msg: 'ready' }
  | { msg: 'done'; commits: Commit[]; errors: Record<string, number>; startedAt: number; endedAt: number };
