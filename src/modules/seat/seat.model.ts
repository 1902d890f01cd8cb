// Data access for seats, seat events and seat types. Prisma only; no protocol here.
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import type { CommittedChange, HistoryEntry, SeatStatus, SeatTypeView } from './seat.types.js';

export interface MarkSeatsResult {
  /** The new hall version, or null when nothing was written. */
  version: number | null;
  hallExists: boolean;
  /** Seats of the request that belong to the hall. */
  found: number;
  /** Seats whose status actually differs (a no-op is not an event). */
  changed: number;
  seats: { id: number; old_status: SeatStatus; status: SeatStatus; updated_at: Date }[];
}

interface MarkSeatsRow {
  version: number | null;
  hall_exists: boolean;
  found: number;
  changed: number;
  seats: { id: number; old_status: SeatStatus; status: SeatStatus; updated_at: string }[] | null;
}

/** Runs one raw statement on the database's own connections (Database.sql). */
export type RawSql = <T>(text: string, params: unknown[]) => Promise<T[]>;

/**
 * The whole change as ONE statement (one round trip): lock the seats (in id order, so
 * concurrent writers cannot deadlock), bump the hall version once if anything changes
 * and every seat was found (and expected_version matches), update the seats, append one
 * event per changed seat, and pg_notify(hall:version) inside the transaction so a
 * notification exists only for a committed change. The FOR UPDATE read is what makes
 * `old_status` the latest committed value; the hall row lock orders versions.
 * Measured (shared/design/postgres-bus.md): 2-3x the throughput of an interactive
 * transaction of separate queries.
 * $1 hall, $2 seat ids, $3 statuses, $4 seat count, $5 expected version, $6 user, $7 channel.
 */
const MARK_SEATS_SQL = `
  WITH input AS (
    SELECT * FROM unnest($2::int[], $3::text[]) AS t(seat_id, status)
  ), locked AS (
    SELECT s.id, s.status AS old_status, i.status::"SeatStatus" AS new_status
    FROM seat s JOIN input i ON i.seat_id = s.id
    WHERE s.hall_id = $1
    ORDER BY s.id
    FOR UPDATE OF s
  ), changed AS (
    SELECT * FROM locked WHERE old_status <> new_status
  ), h AS (
    UPDATE hall SET version = version + 1
    WHERE id = $1
      AND EXISTS (SELECT 1 FROM changed)
      AND (SELECT count(*) FROM locked) = $4
      AND ($5::int IS NULL OR version = $5::int)
    RETURNING version
  ), t AS (
    -- Read once, when the locks are held: now() is the transaction start, taken
    -- before waiting for them, so a later version could carry an earlier time.
    SELECT clock_timestamp() AS at FROM h
  ), u AS (
    UPDATE seat s SET status = c.new_status, updated_at = t.at, updated_by = $6::int
    FROM changed c, t
    WHERE s.id = c.id
    RETURNING s.id, c.old_status, s.status, s.updated_at
  ), e AS (
    INSERT INTO seat_event (hall_id, seat_id, version, old_status, new_status, user_id, created_at)
    SELECT $1, c.id, h.version, c.old_status, c.new_status, $6::int, t.at
    FROM changed c, h, t
  ), n AS (
    SELECT pg_notify($7, $1::text || ':' || h.version::text) FROM h
  )
  SELECT
    (SELECT version FROM h) AS version,
    EXISTS (SELECT 1 FROM hall WHERE id = $1) AS hall_exists,
    (SELECT count(*) FROM locked)::int AS found,
    (SELECT count(*) FROM changed)::int AS changed,
    (SELECT json_agg(json_build_object('id', id, 'old_status', old_status, 'status', status, 'updated_at', updated_at) ORDER BY id) FROM u) AS seats,
    -- A plain SELECT CTE runs only when read: this read is what sends the NOTIFY.
    (SELECT count(*) FROM n) AS notified`;

export function createSeatModel(prisma: PrismaClient, sql: RawSql) {
  return {
    /** See MARK_SEATS_SQL. */
    async markSeats(
      hallId: number,
      seats: { seat_id: number; status: SeatStatus }[],
      userId: number | null,
      expectedVersion: number | undefined,
      channel: string,
    ): Promise<MarkSeatsResult> {
      const rows = await sql<MarkSeatsRow>(MARK_SEATS_SQL, [
        hallId,
        seats.map((s) => s.seat_id),
        seats.map((s) => s.status),
        seats.length,
        expectedVersion ?? null,
        userId,
        channel,
      ]);
      const row = rows[0];
      if (!row) throw new Error('markSeats returned no row');
      return {
        version: row.version,
        hallExists: row.hall_exists,
        found: Number(row.found),
        changed: Number(row.changed),
        seats: (row.seats ?? []).map((s) => ({ ...s, updated_at: new Date(s.updated_at) })),
      };
    },

    async currentVersion(hallId: number): Promise<number | null> {
      const hall = await prisma.hall.findUnique({ where: { id: hallId }, select: { version: true } });
      return hall?.version ?? null;
    },

    /**
     * The durable change log after `afterVersion` (up to `upToVersion`), grouped into
     * committed changes in version order; null when it holds more than `maxEvents` events.
     */
    async changesAfter(hallId: number, afterVersion: number, upToVersion?: number, maxEvents?: number): Promise<CommittedChange[] | null> {
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
    },

    async history(hallId: number, limit: number, beforeVersion: number | undefined): Promise<HistoryEntry[]> {
      const events = await prisma.seatEvent.findMany({
        where: { hall_id: hallId, ...(beforeVersion !== undefined ? { version: { lt: beforeVersion } } : {}) },
        orderBy: [{ version: 'desc' }, { seat_id: 'asc' }],
        take: limit,
        select: {
          version: true,
          seat_id: true,
          old_status: true,
          new_status: true,
          created_at: true,
          seat: { select: { row: true, place: true } },
          user: { select: { username: true } },
        },
      });
      return events.map((e) => ({
        version: e.version,
        seat_id: e.seat_id,
        row: e.seat.row,
        place: e.seat.place,
        old_status: e.old_status,
        new_status: e.new_status,
        username: e.user?.username ?? null,
        at: e.created_at.toISOString(),
      }));
    },

    async hallExists(hallId: number): Promise<boolean> {
      return (await prisma.hall.count({ where: { id: hallId } })) > 0;
    },

    listSeatTypes(): Promise<SeatTypeView[]> {
      return prisma.seatType.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, color: true } });
    },

    createSeatType(data: { name: string; color: string }): Promise<SeatTypeView> {
      return prisma.seatType.create({ data, select: { id: true, name: true, color: true } });
    },

    isUniqueViolation(error: unknown): boolean {
      return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
    },

    async updateSeatType(id: number, data: { name?: string; color?: string }): Promise<SeatTypeView | null> {
      try {
        return await prisma.seatType.update({ where: { id }, data, select: { id: true, name: true, color: true } });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null;
        throw error;
      }
    },
  };
}

export type SeatModel = ReturnType<typeof createSeatModel>;
