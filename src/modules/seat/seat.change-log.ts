// The durable change log of every hall: the SeatEvent rows that mark_seats() writes,
// read back as committed changes, one per hall version. Written by the seat module's
// group commit; read by the hall store (catch-up after a gap or a lost notification) and
// by hall.subscribe (resume older than the in-memory ring). Its own small module, so the
// hall module can read it without depending on the seat module's writer.
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { CommittedChange } from './seat.types.js';

export interface ChangeLog {
  /** Everything after a version, in order. */
  changesAfter(hallId: number, afterVersion: number): Promise<CommittedChange[]>;
  /** A bounded window of the log, null when it holds more than `maxEvents` events. */
  readLog(hallId: number, afterVersion: number, upToVersion: number, maxEvents: number): Promise<CommittedChange[] | null>;
}

export function createChangeLog(prisma: PrismaClient): ChangeLog {
  /**
   * The durable change log after `afterVersion` (up to `upToVersion`), grouped into
   * committed changes in version order; null when it holds more than `maxEvents` events.
   */
  async function read(hallId: number, afterVersion: number, upToVersion?: number, maxEvents?: number): Promise<CommittedChange[] | null> {
    const events = await prisma.seatEvent.findMany({
      where: { hall_id: hallId, version: { gt: afterVersion, ...(upToVersion !== undefined ? { lte: upToVersion } : {}) } },
      orderBy: [{ version: 'asc' }, { seat_id: 'asc' }],
      select: { version: true, seat_id: true, old_status: true, new_status: true, created_at: true },
      ...(maxEvents !== undefined ? { take: maxEvents + 1 } : {}),
    });
    if (maxEvents !== undefined && events.length > maxEvents) return null;
    const changes: CommittedChange[] = [];
    for (const event of events) {
      let change = changes.at(-1);
      if (!change || change.version !== event.version) {
        change = { hall_id: hallId, version: event.version, seats: [] };
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
    changesAfter: async (hallId, afterVersion) => (await read(hallId, afterVersion)) ?? [],
    readLog: (hallId, afterVersion, upToVersion, maxEvents) => read(hallId, afterVersion, upToVersion, maxEvents),
  };
}
