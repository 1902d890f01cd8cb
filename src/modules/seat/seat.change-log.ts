// The durable change log of every stream: the SeatEvent rows (a hall's own stream) and
// ShowingEvent rows (a showing's) that mark_seats() writes, read back as committed
// changes, one per version. Written by the seat module's group commit; read by the hall
// store (catch-up after a gap or a lost notification) and by the subscriptions (resume
// older than the in-memory ring). Its own small module, so the hall module can read it
// without depending on the seat module's writer.
//
// Raw SQL, like the write: with several instances every instance reads every change it
// is notified of from here, so this read is as hot as the write (through Prisma it cost
// several times the CPU: the query compiler runs per call).
import type { RawSql } from './seat.model.js';
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
  /** As `Date.prototype.toISOString()` writes it, formatted by the database. */
  at: string;
}

// $1 the hall or showing, $2 after this version, $3 up to this version (NULL: no bound),
// $4 at most this many rows (NULL: all). Ordered as the versions were committed.
const COLUMNS = `version, seat_id, old_status::text AS old_status, new_status::text AS new_status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;
const WINDOW = 'version > $2 AND ($3::int IS NULL OR version <= $3) ORDER BY version, seat_id LIMIT $4';
const HALL_LOG_SQL = `SELECT ${COLUMNS} FROM seat_event WHERE hall_id = $1 AND ${WINDOW}`;
const SHOWING_LOG_SQL = `SELECT ${COLUMNS} FROM showing_event WHERE showing_id = $1 AND ${WINDOW}`;

export function createChangeLog(sql: RawSql): ChangeLog {
  /**
   * The durable change log after `afterVersion` (up to `upToVersion`), grouped into
   * committed changes in version order; null when it holds more than `maxEvents` events.
   */
  async function read(stream: StreamRef, afterVersion: number, upToVersion?: number, maxEvents?: number): Promise<CommittedChange[] | null> {
    const params = [stream.showing_id ?? stream.hall_id, afterVersion, upToVersion ?? null, maxEvents !== undefined ? maxEvents + 1 : null];
    const events = await sql<EventRow>(stream.showing_id === null ? HALL_LOG_SQL : SHOWING_LOG_SQL, params);
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
        updated_at: event.at,
      });
    }
    return changes;
  }

  return {
    changesAfter: async (stream, afterVersion) => (await read(stream, afterVersion)) ?? [],
    readLog: (stream, afterVersion, upToVersion, maxEvents) => read(stream, afterVersion, upToVersion, maxEvents),
  };
}
