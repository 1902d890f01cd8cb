// What a scenario needs from the server under test, whichever of the three it is.
import type { Endpoint, TargetKind } from '../load/ipc.js';

export interface RunningTarget {
  kind: TargetKind;
  /** The node process serving sockets: /proc/<pid> is read for CPU and memory. */
  pid: number;
  endpoint: Endpoint;
  /** Spawn to the first 200 from /ready, ms. */
  readyMs: number;
  /** Our server on PostgreSQL: rows in the audit log (seat_event), read beside the server. */
  countAuditRows?(): Promise<number>;
  /** Our server on PostgreSQL: its database, for readers beside the server (the NOTIFY count). */
  databaseUrl?: string;
  /**
   * Several server processes on one database: each one's pid and endpoint, the first
   * being `pid` and `endpoint` (where the writer goes). Absent for a single process.
   */
  instances?: { pid: number; endpoint: Endpoint }[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Write a V8 CPU profile of the server into this folder (node --cpu-prof). */
  cpuProfDir?: string;
  /** Our server only: start on an empty data folder (initdb, migrations, demo seed). */
  freshStore?: boolean;
}

export interface Target {
  kind: TargetKind;
  /** Names this target in goals and ratios; the kind unless one kind runs twice (cold start). */
  key: string;
  /** Column label in the report. */
  label: string;
  /** Hall ids a scenario may use: `count` of them, all with the same layout. */
  halls(count: number): number[];
  start(options?: StartOptions): Promise<RunningTarget>;
}
