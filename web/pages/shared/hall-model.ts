// A hall as the pages hold it: seats by id and live counts, kept by applying the
// subscription's snapshots and updates. Counts move with each change instead of being
// recounted, so an update costs the seats it names, not the hall.
import type { Hall, HallUpdate, Seat, SeatStatus, StatusCounts } from '../../client/protocol-types.js';

export interface StatusChange {
  seat: Seat;
  from: SeatStatus;
}

export class HallModel {
  readonly seats = new Map<number, Seat>();
  counts: StatusCounts = { VACANT: 0, OCCUPIED: 0, MAINTENANCE: 0, HELD: 0 };
  version = 0;

  constructor(public hall: Hall) {
    this.replace(hall);
  }

  replace(hall: Hall): void {
    this.hall = hall;
    this.version = hall.version;
    this.seats.clear();
    this.counts = { VACANT: 0, OCCUPIED: 0, MAINTENANCE: 0, HELD: 0 };
    for (const seat of hall.seats) {
      this.seats.set(seat.id, { ...seat });
      this.counts[seat.status]++;
    }
  }

  /**
   * Applies an update newer than what we hold; returns the seats whose status changed.
   * Older ones are ignored: a page may have replaced its state from hall.get meanwhile.
   */
  apply(update: HallUpdate): StatusChange[] {
    if (update.version <= this.version) return [];
    this.version = update.version;
    const changes: StatusChange[] = [];
    for (const change of update.seats) {
      const seat = this.seats.get(change.id);
      if (!seat) continue;
      seat.updated_at = change.updated_at;
      if (seat.status === change.status) continue;
      changes.push({ seat, from: seat.status });
      this.counts[seat.status]--;
      this.counts[change.status]++;
      seat.status = change.status;
    }
    return changes;
  }

  get total(): number {
    return this.seats.size;
  }
}

/** Share of all seats that are occupied, as a whole percentage. */
export function occupiedPercent(counts: StatusCounts): number {
  const total = counts.VACANT + counts.OCCUPIED + counts.MAINTENANCE + counts.HELD;
  return total === 0 ? 0 : Math.round((counts.OCCUPIED / total) * 100);
}

export const STATUS_WORDS: Record<SeatStatus, string> = { VACANT: 'free', OCCUPIED: 'occupied', MAINTENANCE: 'maintenance', HELD: 'held' };
