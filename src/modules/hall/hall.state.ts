// The live state of one seat map (stream) in memory: a hall's own, or one showing's:
// seats, counts per seat type, version, the recent updates (for resume) and, for a
// showing, the topic of its direct subscribers. Changed only by apply(), which the store
// calls once per committed version, in order; the store publishes.
import { HistoryRing } from '../../core/history-ring.js';
import { Push } from '../../core/protocol/dialect.js';
import { RawJson } from '../../core/protocol/envelope.js';
import { Topic } from '../../core/ws/topic.js';
import { emptyCounts, streamKey, type CommittedChange, type SeatStatus, type StatusCounts, type StreamKey, type StreamRef } from '../seat/index.js';
import type { HallRow, HallUpdate, HallView, SeatView, ShowingSummary } from './hall.types.js';

interface SeatTypeState {
  /** Shared by every seat of this type, so a rename or colour change is one assignment. */
  view: { id: number; name: string; color: string };
  counts: StatusCounts;
  total: number;
}

/** One committed version, with its push built once per message type that carries it. */
export class RingEntry {
  private readonly pushes = new Map<string, Push>();

  constructor(
    readonly version: number,
    readonly change: CommittedChange,
    readonly update: HallUpdate,
  ) {}

  /** The push, serialised once per dialect, shared by every subscriber and every resume. */
  push(type: string): Push {
    let push = this.pushes.get(type);
    if (!push) this.pushes.set(type, (push = new Push(type, 'update', this.update)));
    return push;
  }
}

export class HallState {
  /** The hall's id (a showing's seat map has its hall's id too). */
  readonly id: number;
  readonly showingId: number | null;
  readonly key: StreamKey;
  readonly ref: StreamRef;
  version: number;
  /** A showing's direct subscribers (showing.subscribe); hall.subscribe's topic is the store's. */
  readonly topic: Topic | null;
  readonly ring: HistoryRing<RingEntry>;
  readonly totals: StatusCounts = emptyCounts();
  private meta: Omit<HallRow, 'seats' | 'seat_types' | 'version'>;
  private readonly seats = new Map<number, SeatView>();
  private readonly seatTypes = new Map<number, SeatTypeState>();
  private snapshotJson: string | null = null;

  constructor(
    row: HallRow,
    historySize: number,
    /** The database's epoch, in every snapshot. */
    readonly epoch: string,
  ) {
    const { seats, seat_types, version, ...meta } = row;
    this.id = row.id;
    this.showingId = row.showing?.id ?? null;
    this.ref = { hall_id: row.id, showing_id: this.showingId };
    this.key = streamKey(this.ref);
    this.meta = meta;
    this.version = version;
    this.topic = this.showingId === null ? null : new Topic(showingTopic(this.showingId), 'showing.subscribe');
    this.ring = new HistoryRing(historySize);
    for (const type of seat_types) this.seatTypes.set(type.id, { view: { ...type }, counts: emptyCounts(), total: 0 });
    for (const { seat_type_id, ...seat } of seats) {
      const type = this.seatTypes.get(seat_type_id)!;
      this.seats.set(seat.id, { ...seat, seat_type: type.view });
      type.counts[seat.status]++;
      type.total++;
      this.totals[seat.status]++;
    }
  }

  get seatCount(): number {
    return this.seats.size;
  }

  get cinemaId(): number {
    return this.meta.cinema_id;
  }

  get showing(): ShowingSummary | null {
    return this.meta.showing;
  }

  /** The snapshot as JSON, built once per version however many clients ask. */
  snapshot(): RawJson {
    this.snapshotJson ??= JSON.stringify(this.view());
    return new RawJson(this.snapshotJson);
  }

  view(): HallView {
    return {
      ...this.meta,
      version: this.version,
      epoch: this.epoch,
      seats: [...this.seats.values()],
      seat_types: [...this.seatTypes.values()].map((t) => ({
        ...t.view,
        seats_count: t.total,
        seats: { ...t.counts },
      })),
    };
  }

  /** Applies the next version; the caller publishes the entry. */
  apply(change: CommittedChange): RingEntry {
    if (change.version !== this.version + 1) throw new Error(`hall ${this.id}: version ${change.version} after ${this.version}`);
    const touchedTypes = new Set<SeatTypeState>();
    for (const seatChange of change.seats) {
      const seat = this.seats.get(seatChange.id);
      if (!seat) continue; // a seat created after this state was loaded cannot change: halls are immutable in layout
      const type = this.seatTypes.get(seat.seat_type.id)!;
      move(type.counts, seat.status, seatChange.status);
      move(this.totals, seat.status, seatChange.status);
      seat.status = seatChange.status;
      seat.updated_at = seatChange.updated_at;
      touchedTypes.add(type);
    }
    this.version = change.version;
    this.snapshotJson = null;
    const update: HallUpdate = {
      id: this.id,
      showing_id: this.showingId,
      version: change.version,
      seats: change.seats.map(({ id, status, updated_at }) => ({ id, status, updated_at })),
      seat_types: [...touchedTypes].map((t) => ({ id: t.view.id, seats: { ...t.counts } })),
    };
    const entry = new RingEntry(change.version, change, update);
    this.ring.push(entry);
    return entry;
  }

  /**
   * Takes names and colours from a fresh row after an admin change (hall or cinema
   * renamed, seat type edited). Such changes never touch seats or the version, so the
   * live state, its version and its ring stay as they are: replacing the state with the
   * row could move it back to an older version than subscribers already have.
   */
  updateCatalog(row: HallRow): void {
    const { seats: _seats, seat_types, version: _version, ...meta } = row;
    this.meta = meta;
    for (const type of seat_types) {
      const state = this.seatTypes.get(type.id);
      if (state) Object.assign(state.view, { name: type.name, color: type.color });
    }
    this.snapshotJson = null;
  }

  /**
   * Updates for a client at `sinceVersion` built from the durable log (older than the
   * ring): per-type counts at each version are recovered by undoing the later changes
   * from the current counts, then redoing them one version at a time.
   */
  replay(sinceVersion: number, changes: CommittedChange[]): HallUpdate[] {
    const counts = new Map<number, StatusCounts>();
    for (const [id, type] of this.seatTypes) counts.set(id, { ...type.counts });
    const typeOf = (seatId: number) => this.seats.get(seatId)?.seat_type.id;
    for (const change of [...changes].reverse()) {
      for (const seat of change.seats) {
        const type = typeOf(seat.id);
        if (type !== undefined) move(counts.get(type)!, seat.status, seat.old_status);
      }
    }
    const updates: HallUpdate[] = [];
    let expected = sinceVersion + 1;
    for (const change of changes) {
      if (change.version !== expected++) throw new Error(`hall ${this.id}: log gap at ${change.version}`);
      const touched = new Set<number>();
      for (const seat of change.seats) {
        const type = typeOf(seat.id);
        if (type === undefined) continue;
        move(counts.get(type)!, seat.old_status, seat.status);
        touched.add(type);
      }
      updates.push({
        id: this.id,
        showing_id: this.showingId,
        version: change.version,
        seats: change.seats.map(({ id, status, updated_at }) => ({ id, status, updated_at })),
        seat_types: [...touched].map((id) => ({ id, seats: { ...counts.get(id)! } })),
      });
    }
    return updates;
  }
}

export function hallTopic(id: number): string {
  return `hall:${id}`;
}

export function showingTopic(id: number): string {
  return `showing:${id}`;
}

function move(counts: StatusCounts, from: SeatStatus, to: SeatStatus): void {
  counts[from]--;
  counts[to]++;
}
