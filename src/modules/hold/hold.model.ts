// Data access for holds: the functions hold_seats and hold_finish (migration holds) do
// each step in one statement under the hall's row lock; this file only calls them.
import type { RawSql } from '../seat/index.js';
import type { CommittedChange, SeatStatus } from '../seat/index.js';

export interface HoldRow {
  id: string;
  showing_id: number;
  hall_id: number;
  seat_ids: number[];
  status: 'active' | 'confirmed' | 'released' | 'expired';
  expires_at: string;
  holder: string;
  api_key_id: number | null;
  user_id: number | null;
  version: number;
}

type ChangeJson = { hall_id: number; showing_id: number; version: number; seats: { id: number; old_status: SeatStatus; status: SeatStatus; updated_at: string }[] } | null;

export type HoldOutcome =
  | { error: 'showing_not_found' | 'cancelled' | 'ended' | 'seat_not_found' | 'not_found' | 'not_due'; seat_ids?: undefined; status?: undefined }
  | { error: 'unavailable'; seat_ids: number[] }
  | { error: 'not_active'; status: HoldRow['status'] }
  | { error?: undefined; hold: HoldRow; change: CommittedChange | null };

function committed(change: ChangeJson): CommittedChange | null {
  if (!change) return null;
  return {
    hall_id: change.hall_id,
    showing_id: change.showing_id,
    version: change.version,
    seats: change.seats.map((s) => ({ ...s, updated_at: new Date(s.updated_at).toISOString() })),
  };
}

function outcome(raw: Record<string, unknown>): HoldOutcome {
  if (typeof raw.error === 'string') return raw as HoldOutcome;
  return { hold: raw.hold as HoldRow, change: committed(raw.change as ChangeJson) };
}

export function createHoldModel(sql: RawSql, channel: string) {
  return {
    async hold(input: { id: string; showingId: number; seatIds: number[]; ttlSeconds: number; holder: string; apiKeyId: number | null; userId: number | null }): Promise<HoldOutcome> {
      const [row] = await sql<{ outcome: Record<string, unknown> }>('SELECT hold_seats($1::uuid, $2, $3::int[], $4, $5, $6, $7, $8) AS outcome', [
        input.id,
        input.showingId,
        input.seatIds,
        input.ttlSeconds,
        input.holder,
        input.apiKeyId,
        input.userId,
        channel,
      ]);
      return outcome(row!.outcome);
    },

    async finish(id: string, action: 'confirm' | 'release' | 'expire', userId: number | null): Promise<HoldOutcome> {
      const [row] = await sql<{ outcome: Record<string, unknown> }>('SELECT hold_finish($1::uuid, $2, $3, $4) AS outcome', [id, action, userId, channel]);
      return outcome(row!.outcome);
    },

    async get(id: string): Promise<HoldRow | null> {
      const [row] = await sql<HoldRow>(
        `SELECT id::text, showing_id, hall_id, seat_ids, status::text AS status, expires_at, holder, api_key_id, user_id, version FROM hold WHERE id = $1::uuid`,
        [id],
      );
      return row ?? null;
    },

    /** Active holds of a showing, for staff. */
    async active(showingId: number): Promise<HoldRow[]> {
      return sql<HoldRow>(
        `SELECT id::text, showing_id, hall_id, seat_ids, status::text AS status, expires_at, holder, api_key_id, user_id, version
         FROM hold WHERE showing_id = $1 AND status = 'active' ORDER BY expires_at`,
        [showingId],
      );
    },

    /** Active holds past their expiry (database clock), oldest first. */
    async due(limit: number): Promise<string[]> {
      const rows = await sql<{ id: string }>(`SELECT id::text FROM hold WHERE status = 'active' AND expires_at <= now() ORDER BY expires_at LIMIT $1`, [limit]);
      return rows.map((r) => r.id);
    },

    /** Milliseconds until the next active hold expires (database clock), null when none is active. */
    async nextExpiryInMs(): Promise<number | null> {
      const [row] = await sql<{ ms: number | null }>(`SELECT (extract(epoch FROM min(expires_at) - now()) * 1000)::float8 AS ms FROM hold WHERE status = 'active'`, []);
      return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
    },

  };
}

export type HoldModel = ReturnType<typeof createHoldModel>;
