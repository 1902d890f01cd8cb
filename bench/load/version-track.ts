// The correctness check every subscriber runs: versions of the map its hall shows arrive
// exactly once and in order (a rollover snapshot starts the new map's sequence). Also the
// per-version receipt times the coordinator turns into latency.
import type { RolloverReceipt, VersionReceipts } from './ipc.js';

export interface Counters {
  deliveries: number;
  gaps: number;
  stale: number;
  foreign: number;
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
const SNAPSHOT_MARK = Buffer.from('"status":"snapshot"');
const VERSION_KEY = Buffer.from('"version":');
const FROM_VERSION_KEY = Buffer.from('"from_version":');
const SHOWING_ID_KEY = Buffer.from('"showing_id":');
const SHOWING_KEY = Buffer.from('"showing":');
const ID_KEY = Buffer.from('"id":');
const ROLLOVER_MARK = Buffer.from('"reason":"rollover"');

/**
 * updateRange straight from the frame's bytes, or null when it is not an update. At
 * 10,000 sockets the load processes share two cores with the server and take more CPU
 * than it does; a JSON.parse per frame made them the bottleneck, so updates (the only
 * frequent frame) are scanned: the envelope's status precedes `data`, and the hall's
 * `version` is the first key of that name (a seat's fields have none).
 */
export function scanUpdate(frame: Buffer): [from: number, to: number, showing: number | null] | null {
  if (frame.indexOf(UPDATE_MARK) < 0) return null;
  const to = readInt(frame, frame.indexOf(VERSION_KEY), VERSION_KEY.length);
  const fromAt = frame.indexOf(FROM_VERSION_KEY);
  // Our server names the map (`showing_id`, null for the hall's own); the baselines do not.
  const showingAt = frame.indexOf(SHOWING_ID_KEY);
  const showing = showingAt < 0 ? null : readId(frame, showingAt, SHOWING_ID_KEY.length);
  return [fromAt < 0 ? to : readInt(frame, fromAt, FROM_VERSION_KEY.length), to, showing];
}

export interface ScannedSnapshot {
  version: number;
  showing: number | null;
  rollover: boolean;
}

/**
 * A `snapshot` push of our server, scanned like an update: a rollover sends one of a
 * whole hall (~30 KB) to every subscriber at once, and parsing 10,000 of them would
 * delay the receipts that follow. The hall's `version` is the first key of that name,
 * `showing` is null or an object whose first key is its `id`, and only pushes carry a
 * `reason`. Null when the frame is not a snapshot.
 */
export function scanSnapshot(frame: Buffer): ScannedSnapshot | null {
  if (frame.indexOf(SNAPSHOT_MARK) < 0) return null;
  const version = readInt(frame, frame.indexOf(VERSION_KEY), VERSION_KEY.length);
  const showingAt = frame.indexOf(SHOWING_KEY);
  const showing = showingAt < 0 || readId(frame, showingAt, SHOWING_KEY.length) === null ? null : readInt(frame, frame.indexOf(ID_KEY, showingAt), ID_KEY.length);
  return { version, showing, rollover: frame.lastIndexOf(ROLLOVER_MARK) >= 0 };
}

/** An id or null after the key at keyAt. */
function readId(frame: Buffer, keyAt: number, keyLength: number): number | null {
  return frame[keyAt + keyLength] === 0x6e /* n of null */ ? null : readInt(frame, keyAt, keyLength);
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
  readonly counters: Counters = { deliveries: 0, gaps: 0, stale: 0, foreign: 0, early: 0, closed: 0 };
  /** Per map (hall, showing): receipts per version. */
  private readonly maps = new Map<string, Map<number, VersionReceipts>>();
  readonly rollovers: RolloverReceipt[] = [];

  /** The receipts of one map; a track keeps it, so recording a delivery is one lookup. */
  receiptsOf(hall: number, showing: number | null): Map<number, VersionReceipts> {
    const key = `${hall}:${showing}`;
    let receipts = this.maps.get(key);
    if (receipts === undefined) {
      receipts = new Map();
      this.maps.set(key, receipts);
    }
    return receipts;
  }

  all(): VersionReceipts[] {
    return [...this.maps.values()].flatMap((receipts) => [...receipts.values()]);
  }
}

/** One subscription's position in the version sequence of the map its hall shows. */
export class VersionTrack {
  /** -1 until the snapshot (or resume reply) says where the stream starts. */
  version = -1;
  /** The showing whose map the hall shows (null: its own); set by every snapshot. */
  showing: number | null = null;
  private receipts: Map<number, VersionReceipts>;

  constructor(
    readonly hall: number,
    private readonly ledger: ReceiptLedger,
  ) {
    this.receipts = ledger.receiptsOf(hall, null);
  }

  /** The subscription's first snapshot, or a push: a rollover starts another map's sequence. */
  snapshot(version: number, showing: number | null = null, rolloverAt?: number): void {
    this.version = version;
    if (showing !== this.showing) {
      this.showing = showing;
      this.receipts = this.ledger.receiptsOf(this.hall, showing);
    }
    if (rolloverAt !== undefined) this.ledger.rollovers.push([this.hall, showing, rolloverAt]);
  }

  update(from: number, to: number, at: number, showing: number | null = null): void {
    const counters = this.ledger.counters;
    counters.deliveries++;
    if (this.version < 0) {
      counters.early++;
      return;
    }
    if (showing !== this.showing) {
      counters.foreign++;
      return;
    }
    if (from > this.version + 1) counters.gaps++;
    else if (from <= this.version) counters.stale++;
    if (to > this.version) this.version = to;
    for (let v = from; v <= to; v++) {
      const entry = this.receipts.get(v);
      if (entry === undefined) this.receipts.set(v, [this.hall, v, 1, at, at, showing]);
      else {
        entry[2]++;
        if (at < entry[3]) entry[3] = at;
        if (at > entry[4]) entry[4] = at;
      }
    }
  }
}
