// The change streams the outbound consumers (MQTT bridge, webhooks) deliver, and the
// only file that knows how they are stored. A stream is a gap-free run of versions with a
// durable log: one per hall ("hall:<id>": hall.version and the seat_event rows that
// mark_seats() writes in the same transaction) and one per showing ("showing:<id>":
// showing.version and showing_event). A new kind is added here, in heads(),
// changesAfter(), snapshot(), WAKE_CHANNELS and OUTBOUND_EVENT_TYPES; the consumers only
// see stream keys, versions, scopes and JSON-ready payloads.
// Every read is ONE statement, so it sees one committed state (READ COMMITTED takes a
// snapshot per statement): a version and the rows it stands for always agree.
import { CHANNELS } from '../../core/bus/bus.js';

/** Event types a webhook can ask for, one per stream kind. */
export const OUTBOUND_EVENT_TYPES = ['hall.changed', 'showing.changed'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Where a stream sits in the catalog: the MQTT topic tree and the payloads say it. */
export interface StreamScope {
  cinema_id: number;
  hall_id: number;
  /** Set for showing streams. */
  showing_id?: number;
}

export interface StreamHead {
  /** "hall:<id>" or "showing:<id>". */
  stream: string;
  /** The last committed version; 0 before the first change. */
  version: number;
  scope: StreamScope;
  event: OutboundEventType;
}

export interface SeatChange {
  id: number;
  old_status: string;
  status: string;
  updated_at: string;
}

/** One committed version of a stream: the payload every consumer sends (plus the scope). */
export interface StreamChange {
  stream: string;
  version: number;
  /**
   * The seats that version changed. Empty only when the seats it changed were deleted
   * since (seat_event rows go with their seat): the version still counts, so the run of
   * versions a consumer sends stays gap-free.
   */
  seats: SeatChange[];
}

export interface StreamSnapshot {
  stream: string;
  version: number;
  scope: StreamScope;
  seats: { id: number; row: number; place: number; status: string; updated_at: string }[];
}

export type Sql = <T>(text: string, params: unknown[]) => Promise<T[]>;

export interface StreamSource {
  /** Every stream with its current version. */
  heads(): Promise<StreamHead[]>;
  /** Versions after `afterVersion`, in order, at most `limit`; [] when none or the stream is gone. */
  changesAfter(stream: string, afterVersion: number, limit: number): Promise<StreamChange[]>;
  /** The whole current state at one version; null when the stream is gone. */
  snapshot(stream: string): Promise<StreamSnapshot | null>;
}

/**
 * Notification channels a commit of some stream sends on (payload '<hall id>:<version>'
 * for halls, 'showing:<id>:<version>' for showings, seat.listener.ts). Only wake-ups:
 * consumers also sweep periodically, so a lost one costs latency, never data.
 */
export const WAKE_CHANNELS: readonly string[] = [CHANNELS.hallChanged];

function parse(stream: string): { kind: 'hall' | 'showing'; id: number } | null {
  const match = /^(hall|showing):(\d{1,10})$/.exec(stream);
  return match ? { kind: match[1] as 'hall' | 'showing', id: Number(match[2]) } : null;
}

/**
 * Showings stay streams until a day after they end: no version can come after the end
 * (mark_seats refuses ended showings and moves maintenance only into those that have not
 * ended), and the day covers a publisher that was down meanwhile.
 */
const LIVE_SHOWINGS = `sh.ends_at > now() - interval '1 day'`;

const iso = (value: Date | string) => new Date(value).toISOString();

export function createStreamSource(sql: Sql): StreamSource {
  return {
    async heads() {
      const rows = await sql<{ id: number; cinema_id: number; hall_id: number; showing: boolean; version: number }>(
        `SELECT id, cinema_id, id AS hall_id, false AS showing, version FROM hall
         UNION ALL
         SELECT sh.id, h.cinema_id, sh.hall_id, true, sh.version FROM showing sh JOIN hall h ON h.id = sh.hall_id WHERE ${LIVE_SHOWINGS}
         ORDER BY showing, id`,
        [],
      );
      return rows.map((row) =>
        row.showing
          ? { stream: `showing:${row.id}`, version: row.version, scope: { cinema_id: row.cinema_id, hall_id: row.hall_id, showing_id: row.id }, event: 'showing.changed' as const }
          : { stream: `hall:${row.id}`, version: row.version, scope: { cinema_id: row.cinema_id, hall_id: row.id }, event: 'hall.changed' as const },
      );
    },

    async changesAfter(stream, afterVersion, limit) {
      const ref = parse(stream);
      if (ref === null) return [];
      // Every version in the range, with its events if any are left (LEFT JOIN), up to the
      // stream's version as this statement sees it.
      const [table, log, key] = ref.kind === 'hall' ? ['hall', 'seat_event', 'hall_id'] : ['showing', 'showing_event', 'showing_id'];
      const rows = await sql<{ version: number; seat_id: number | null; old_status: string | null; new_status: string | null; created_at: Date | string | null }>(
        `SELECT v.version, e.seat_id, e.old_status::text AS old_status, e.new_status::text AS new_status, e.created_at
           FROM ${table} h
          CROSS JOIN LATERAL generate_series($2::int + 1, LEAST(h.version, $2::int + $3::int)) AS v(version)
           LEFT JOIN ${log} e ON e.${key} = h.id AND e.version = v.version
          WHERE h.id = $1
          ORDER BY v.version, e.seat_id`,
        [ref.id, afterVersion, limit],
      );
      const changes: StreamChange[] = [];
      for (const row of rows) {
        let change = changes.at(-1);
        if (change?.version !== row.version) {
          change = { stream, version: row.version, seats: [] };
          changes.push(change);
        }
        if (row.seat_id !== null) {
          change.seats.push({ id: row.seat_id, old_status: row.old_status!, status: row.new_status!, updated_at: iso(row.created_at!) });
        }
      }
      return changes;
    },

    async snapshot(stream) {
      const ref = parse(stream);
      if (ref === null) return null;
      type Row = { cinema_id: number; hall_id: number; version: number; seats: { id: number; row: number; place: number; status: string; updated_at: string }[] };
      const [row] =
        ref.kind === 'hall'
          ? await sql<Row>(
              `SELECT h.cinema_id, h.id AS hall_id, h.version,
                      COALESCE((SELECT json_agg(json_build_object('id', s.id, 'row', s.row, 'place', s.place, 'status', s.status, 'updated_at', s.updated_at) ORDER BY s.id)
                                  FROM seat s WHERE s.hall_id = h.id), '[]'::json) AS seats
                 FROM hall h WHERE h.id = $1`,
              [ref.id],
            )
          : await sql<Row>(
              // A showing's statuses: MAINTENANCE when the seat was under maintenance during it, else its occupancy (no row: VACANT).
              `SELECT h.cinema_id, h.id AS hall_id, sh.version,
                      COALESCE((SELECT json_agg(json_build_object('id', s.id, 'row', s.row, 'place', s.place,
                                  'status', CASE WHEN ss.maintenance THEN 'MAINTENANCE' ELSE COALESCE(ss.status::text, 'VACANT') END,
                                  'updated_at', COALESCE(ss.updated_at, sh.created_at)) ORDER BY s.id)
                                  FROM seat s LEFT JOIN showing_seat ss ON ss.showing_id = sh.id AND ss.seat_id = s.id
                                 WHERE s.hall_id = h.id), '[]'::json) AS seats
                 FROM showing sh JOIN hall h ON h.id = sh.hall_id WHERE sh.id = $1`,
              [ref.id],
            );
      if (!row) return null;
      const seats = typeof row.seats === 'string' ? (JSON.parse(row.seats) as typeof row.seats) : row.seats;
      return {
        stream,
        version: row.version,
        scope: ref.kind === 'hall' ? { cinema_id: row.cinema_id, hall_id: row.hall_id } : { cinema_id: row.cinema_id, hall_id: row.hall_id, showing_id: ref.id },
        seats: seats.map((seat) => ({ ...seat, updated_at: iso(seat.updated_at) })),
      };
    },
  };
}
