// The durable change log of every stream: the SeatEvent rows (a hall's own stream) and
// ShowingEvent rows (a showing's) that mark_seats() writes, read back as committed
// changes, one per version. Written by the seat module's group commit; read by the hall
// store (catch-up after a gap or a lost notification) and by the subscriptions (resume
// older than the in-memory ring). Its own small module, so the hall module can read it
// without depending on the seat module's writer.
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { StreamRef } from './seat.stream.js';
import type { CommittedChange, SeatStatus } from './seat.types.js';

export interface ChangeLog {
  /** Everything after a version, in order. */
  changesAfter(stream: StreamRef, afterVersion: number): Promise<CommittedChange[]>;
  /** A bounded window of the log, null when it holds more than `maxEvents` events. */
  readLog(stream: StreamRef, afterVersion: number, upToVersion: number, maxEvents: number): Promise<CommittedChange[] | null>;
}

interface EventRow {
  version: number;
  seat_id: number;
  old_status: SeatStatus;
  new_status: SeatStatus;
  created_at: Date;
}

export function createChangeLog(prisma: PrismaClient): ChangeLog {
  /**
   * The durable change log after `afterVersion` (up to `upToVersion`), grouped into
   * committed changes in version order; null when it holds more than `maxEvents` events.
   */
  async function read(stream: StreamRef, afterVersion: number, upToVersion?: number, maxEvents?: number): Promise<CommittedChange[] | null> {
    const version = { gt: afterVersion, ...(upToVersion !== undefined ? { lte: upToVersion } : {}) };
    const query = {
      orderBy: [{ version: 'asc' as const }, { seat_id: 'asc' as const }],
      select: { version: true, seat_id: true, old_status: true, new_status: true, created_at: true },
      ...(maxEvents !== undefined ? { take: maxEvents + 1 } : {}),
    };
    const events: EventRow[] =
      stream.showing_id === null
        ? await prisma.seatEvent.findMany({ where: { hall_id: stream.hall_id, version }, ...query })
        : await prisma.showingEvent.findMany({ where: { showing_id: stream.showing_id, version }, ...query });
    if (maxEvents !== undefined && events.length > maxEvents) return null;
    const changes: CommittedChange[] = [];
    for (const event of events) {
      let change = changes.at(-1);
      if (!change || change.version !== event.version) {
        change = { hall_id: stream.hall_id, showing_id: stream.showing_id, version: event.version, seats: [] };
        changes.push(change);
      }
      change.seats.push({
        id: event.seat_id,
        old_status: event.old_status,
        status: event.new_status,
        updated_at: event.created_at.toISOString(),
      });
    }
    return changes;
  }

  return {
    changesAfter: async (stream, afterVersion) => (await read(stream, afterVersion)) ?? [],
    readLog: (stream, afterVersion, upToVersion, maxEvents) => read(stream, afterVersion, upToVersion, maxEvents),
  };
}
