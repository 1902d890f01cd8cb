// Data access for seats, seat events and seat types: Prisma, except the hot seat write,
// which is one raw statement per group commit. No protocol here.
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { isDatabaseUnavailable } from '../../core/db/unavailable.js';
import { GroupCommit, type GroupCommitOptions } from './seat.group-commit.js';
import { seatChanges, type CommittedChange, type DatabaseSeatChange, type HistoryEntry, type SeatChange, type SeatStatus, type SeatTypeView } from './seat.types.js';

export interface MarkSeatsChange {
  hallId: number;
  /** null: the hall's own stream. */
  showingId: number | null;
  seats: { seat_id: number; status: SeatStatus }[];
  userId: number | null;
  expectedVersion: number | undefined;
  seatCount: number;
}

export interface MarkSeatsResult {
  /** The named stream's new version, or null when nothing was written to it. */
  version: number | null;
  /** Its version once this change was applied or refused (read under the hall's lock). */
  current: number | null;
  hallExists: boolean;
  /** For a change naming a showing: whether it could take the change ('held': seats a hold holds, in `held`). */
  showing: 'ok' | 'not_found' | 'cancelled' | 'ended' | 'held' | null;
  held: number[];
  /** Seats of the request that belong to the hall. */
  found: number;
  /** Seats whose status actually differs (a no-op is not an event). */
  changed: number;
  seats: SeatChange[];
  /** Other streams this change moved: a seat entering or leaving maintenance changes the hall's own stream and every showing of the hall that has not ended. */
  others: CommittedChange[];
}

type OutcomeSeat = DatabaseSeatChange;

interface MarkSeatsOutcome {
  version: number | null;
  current: number | null;
  hall_exists: boolean;
  showing: MarkSeatsResult['showing'];
  held?: number[];
  found: number;
  changed: number;
  seats: OutcomeSeat[];
  others: { hall_id: number; showing_id: number | null; version: number; seats: OutcomeSeat[] }[];
}

/** Runs one raw statement on the database's own connections (Database.sql). */
export type RawSql = <T>(text: string, params: unknown[]) => Promise<T[]>;

/**
 * Every seat change goes through the database function mark_seats (migration
 * group_commit: lock order, per-change rules and the NOTIFY are documented there): one
 * statement for a whole batch of queued changes.
 */
const MARK_SEATS_SQL = 'SELECT mark_seats($1::jsonb, $2) AS outcomes';

export function createSeatModel(prisma: PrismaClient, sql: RawSql, groupCommit: GroupCommitOptions, channel: string) {
  const writes = new GroupCommit<MarkSeatsChange, MarkSeatsResult>(async (changes) => {
    const payload = changes.map((c) => ({
      hall_id: c.hallId,
      showing_id: c.showingId,
      seats: c.seats,
      expected_version: c.expectedVersion ?? null,
      user_id: c.userId,
    }));
    const rows = await sql<{ outcomes: MarkSeatsOutcome[] }>(MARK_SEATS_SQL, [JSON.stringify(payload), channel]);
    return (rows[0]?.outcomes ?? []).map((o) => ({
      version: o.version,
      current: o.current,
      hallExists: o.hall_exists,
      showing: o.showing,
      held: o.held ?? [],
      found: Number(o.found),
      changed: Number(o.changed),
      seats: seatChanges(o.seats),
      others: o.others.map((other) => ({ hall_id: other.hall_id, showing_id: other.showing_id, version: other.version, seats: seatChanges(other.seats) })),
    }));
  }, { ...groupCommit, retryAlone: (error) => !isDatabaseUnavailable(error) });

  return {
    /** Queues a change for the next group commit (see seat.group-commit.ts). */
    markSeats(change: Omit<MarkSeatsChange, 'seatCount'>): Promise<MarkSeatsResult> {
      return writes.submit({ ...change, seatCount: change.seats.length });
    },

    async history(hallId: number, showingId: number | null, limit: number, beforeVersion: number | undefined): Promise<HistoryEntry[]> {
      const version = beforeVersion !== undefined ? { version: { lt: beforeVersion } } : {};
      const query = {
        orderBy: [{ version: 'desc' as const }, { seat_id: 'asc' as const }],
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
      } satisfies Prisma.SeatEventFindManyArgs & Prisma.ShowingEventFindManyArgs;
      const events =
        showingId === null
          ? await prisma.seatEvent.findMany({ where: { hall_id: hallId, ...version }, ...query })
          : await prisma.showingEvent.findMany({ where: { showing_id: showingId, showing: { hall_id: hallId }, ...version }, ...query });
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

    async showingExists(hallId: number, showingId: number): Promise<boolean> {
      return (await prisma.showing.count({ where: { id: showingId, hall_id: hallId } })) > 0;
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
