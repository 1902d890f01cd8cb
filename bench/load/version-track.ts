// The correctness check every subscriber runs: versions of its hall arrive exactly once
// and in order. Also the per-version receipt times the coordinator turns into latency.
import type { VersionReceipts } from './ipc.js';

export interface Counters {
  deliveries: number;
  gaps: number;
  stale: number;
  early: number;
  closed: number;
}

/**
 * The versions an update covers. One version per frame today; should the server
 * coalesce consecutive versions into one frame, the frame must say where its range
 * starts, and this is the one place that reads it.
 */
export function updateRange(data: { version: number; from_version?: number }): [from: number, to: number] {
  return [data.from_version ?? data.version, data.version];
}

const UPDATE_MARK = Buffer.from('"status":"update"');
const VERSION_KEY = Buffer.from('"version":');
const FROM_VERSION_KEY = Buffer.from('"from_version":');

/**
 * updateRange straight from the frame's bytes, or null when it is not an update. At
 * 10,000 sockets the load processes share two cores with the server and take more CPU
 * than it does; a JSON.parse per frame made them the bottleneck, so updates (the only
 * frequent frame) are scanned: the envelope's status precedes `data`, and the hall's
 * `version` is the first key of that name (a seat's fields have none).
 */
export function scanUpdate(frame: Buffer): [from: number, to: number] | null {
  if (frame.indexOf(UPDATE_MARK) < 0) return null;
  const to = readInt(frame, frame.indexOf(VERSION_KEY), VERSION_KEY.length);
  const fromAt = frame.indexOf(FROM_VERSION_KEY);
  return [fromAt < 0 ? to : readInt(frame, fromAt, FROM_VERSION_KEY.length), to];
}

function readInt(frame: Buffer, keyAt: number, keyLength: number): number {
  if (keyAt < 0) return Number.NaN;
  let value = 0;
  for (let i = keyAt + keyLength; i < frame.length; i++) {
    const digit = (frame[i] as number) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

export class ReceiptLedger {
  readonly counters: Counters = { deliveries: 0, gaps: 0, stale: 0, early: 0, closed: 0 };
  private readonly receipts = new Map<number, VersionReceipts>();

  record(hall: number, version: number, at: number): void {
    const key = hall * 1e8 + version;
    const entry = this.receipts.get(key);
    if (entry === undefined) {
      this.receipts.set(key, [hall, version, 1, at, at]);
      return;
    }
    entry[2]++;
    if (at < entry[3]) entry[3] = at;
    if (at > entry[4]) entry[4] = at;
  }

  all(): VersionReceipts[] {
    return [...this.receipts.values()];
  }
}

/** One subscription's position in its hall's version sequence. */
export class VersionTrack {
  /** -1 until the snapshot (or resume reply) says where the stream starts. */
  version = -1;

  constructor(
    readonly hall: number,
    private readonly ledger: ReceiptLedger,
  ) {}

  snapshot(version: number): void {
    this.version = version;
  }

  update(from: number, to: number, at: number): void {
    const counters = this.ledger.counters;
    counters.deliveries++;
    if (this.version < 0) {
      counters.early++;
      return;
    }
    if (from > this.version + 1) counters.gaps++;
    else if (from <= this.version) counters.stale++;
    if (to > this.version) this.version = to;
    for (let v = from; v <= to; v++) this.ledger.record(this.hall, v, at);
  }
}
