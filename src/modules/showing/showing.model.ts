// Data access for showings. Every write holds the hall's row lock first, the lock every
// seat writer takes (migration showings), so a showing created or moved meanwhile can
// never miss a maintenance change or see half of one.
import type { PrismaClient } from '../../generated/prisma/client.js';
import { MAX_SHOWING_MS, type ShowingInput, type ShowingView } from './showing.types.js';

/** A showing with its hall, cinema and seat counts, as lists and the schedule read it. */
export interface ShowingRow {
  id: number;
  hall_id: number;
  hall_name: string;
  cinema_id: number;
  cinema_name: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: 'scheduled' | 'cancelled';
  version: number;
  seats_total: number;
  seats_occupied: number;
  seats_maintenance: number;
  seats_held: number;
}

export type WriteRefusal = 'hall_not_found' | 'not_found' | 'cancelled' | 'started' | 'ended' | 'overlap' | 'invalid_times';

const SELECT_ROWS = `
  SELECT sh.id, sh.hall_id, h.name AS hall_name, h.cinema_id, c.name AS cinema_name, sh.title,
    sh.starts_at, sh.ends_at, sh.status::text AS status, sh.version,
    (h.seats_vacant + h.seats_occupied + h.seats_maintenance)::int AS seats_total,
    sh.seats_occupied, sh.seats_maintenance, sh.seats_held
  FROM showing sh JOIN hall h ON h.id = sh.hall_id JOIN cinema c ON c.id = h.cinema_id`;

export function toView(row: ShowingRow): ShowingView {
  return {
    id: row.id,
    hall_id: row.hall_id,
    hall_name: row.hall_name,
    cinema_id: row.cinema_id,
    title: row.title,
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    status: row.status,
    version: row.version,
    seats_total: row.seats_total,
    seats_left: Math.max(0, row.seats_total - row.seats_occupied - row.seats_maintenance - row.seats_held),
  };
}

/** The trigger showing_no_overlap refused the write (SQLSTATE 23P01, migration showings). */
function isOverlap(error: unknown): boolean {
  return String((error as { message?: unknown })?.message ?? error).includes('showing_no_overlap');
}

export function createShowingModel(prisma: PrismaClient) {
  const rows = (where: string, params: unknown[]) => prisma.$queryRawUnsafe<ShowingRow[]>(`${SELECT_ROWS} ${where}`, ...params);

  /** Locks the hall (the seat writers' lock) and runs `work`; a refusal rolls everything back. */
  async function underHallLock<T>(hallId: number, work: (tx: PrismaTx) => Promise<T | WriteRefusal>): Promise<T | WriteRefusal> {
    try {
      return await prisma.$transaction(async (tx) => {
        const hall = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM hall WHERE id = ${hallId} FOR UPDATE`;
        if (hall.length === 0) return 'hall_not_found';
        const result = await work(tx);
        if (typeof result === 'string') throw new Refused(result as WriteRefusal);
        return result;
      });
    } catch (error) {
      if (error instanceof Refused) return error.refusal;
      if (isOverlap(error)) return 'overlap';
      throw error;
    }
  }

  return {
    /** Scheduled showings that have not ended by `from` and start before `to`. */
    upcoming(from: Date, to: Date): Promise<ShowingRow[]> {
      return rows(`WHERE sh.status = 'scheduled' AND sh.ends_at > $1 AND sh.starts_at < $2 ORDER BY sh.starts_at, sh.id`, [from, to]);
    },

    list(filter: { hallId?: number; cinemaId?: number; from: Date; to: Date }): Promise<ShowingRow[]> {
      return filter.hallId !== undefined
        ? rows(`WHERE sh.hall_id = $1 AND sh.ends_at > $2 AND sh.starts_at < $3 ORDER BY sh.starts_at, sh.id`, [filter.hallId, filter.from, filter.to])
        : rows(`WHERE h.cinema_id = $1 AND sh.ends_at > $2 AND sh.starts_at < $3 ORDER BY sh.starts_at, sh.id`, [filter.cinemaId, filter.from, filter.to]);
    },

    async get(id: number): Promise<ShowingRow | null> {
      return (await rows('WHERE sh.id = $1', [id]))[0] ?? null;
    },

    async hallOf(id: number): Promise<number | null> {
      const found = await prisma.showing.findUnique({ where: { id }, select: { hall_id: true } });
      return found?.hall_id ?? null;
    },

    /**
     * Creates showings of one hall, all or none. Each starts with the hall's seats under
     * maintenance marked so (maintenance shows in every showing that has not ended).
     * Refused when one would end in the past (database clock) or overlaps another.
     */
    create(hallId: number, showings: ShowingInput[]): Promise<number[] | WriteRefusal> {
      return underHallLock(hallId, async (tx) => {
        const payload = JSON.stringify(showings);
        const created = await tx.$queryRaw<{ id: number; ended: boolean }[]>`
          INSERT INTO showing (hall_id, title, starts_at, ends_at, seats_maintenance)
          SELECT ${hallId}, t.item->>'title', (t.item->>'starts_at')::timestamptz, (t.item->>'ends_at')::timestamptz,
            (SELECT count(*) FROM seat WHERE hall_id = ${hallId} AND status = 'MAINTENANCE')
          FROM jsonb_array_elements(${payload}::jsonb) WITH ORDINALITY AS t(item, n)
          ORDER BY t.n
          RETURNING id, ends_at <= now() AS ended`;
        if (created.some((row) => row.ended)) return 'ended';
        const ids = created.map((row) => row.id);
        await tx.$executeRaw`
          INSERT INTO showing_seat (showing_id, seat_id, status, maintenance, updated_at)
          SELECT sh.id, s.id, 'VACANT', true, transaction_timestamp()
          FROM showing sh JOIN seat s ON s.hall_id = sh.hall_id AND s.status = 'MAINTENANCE'
          WHERE sh.id = ANY (${ids}::int[])`;
        return ids;
      });
    },

    /** Moves or renames a showing that has not started. */
    async update(id: number, patch: { title?: string; starts_at?: Date; ends_at?: Date }): Promise<true | WriteRefusal> {
      const hallId = await this.hallOf(id);
      if (hallId === null) return 'not_found';
      return underHallLock(hallId, async (tx) => {
        const [current] = await tx.$queryRaw<{ status: string; started: boolean; starts_at: Date; ends_at: Date }[]>`
          SELECT status::text AS status, starts_at <= now() AS started, starts_at, ends_at FROM showing WHERE id = ${id} AND hall_id = ${hallId}`;
        if (!current) return 'not_found';
        if (current.status !== 'scheduled') return 'cancelled';
        const moves = patch.starts_at !== undefined || patch.ends_at !== undefined;
        if (moves && current.started) return 'started';
        const startsAt = patch.starts_at ?? current.starts_at;
        const endsAt = patch.ends_at ?? current.ends_at;
        if (endsAt <= startsAt || endsAt.getTime() - startsAt.getTime() > MAX_SHOWING_MS) return 'invalid_times';
        const [moved] = await tx.$queryRaw<{ ended: boolean }[]>`
          UPDATE showing SET title = COALESCE(${patch.title ?? null}, title), starts_at = ${startsAt}, ends_at = ${endsAt}
          WHERE id = ${id} RETURNING ends_at <= now() AS ended`;
        if (moved?.ended) return 'ended';
        return true;
      });
    },

    /** Cancels a showing that has not ended; cancelling a cancelled one changes nothing. */
    async cancel(id: number): Promise<true | WriteRefusal> {
      const hallId = await this.hallOf(id);
      if (hallId === null) return 'not_found';
      return underHallLock(hallId, async (tx) => {
        const [current] = await tx.$queryRaw<{ status: string; ended: boolean }[]>`
          SELECT status::text AS status, ends_at <= now() AS ended FROM showing WHERE id = ${id}`;
        if (!current) return 'not_found';
        if (current.status === 'cancelled') return true;
        if (current.ended) return 'ended';
        await tx.$executeRaw`UPDATE showing SET status = 'cancelled' WHERE id = ${id}`;
        return true;
      });
    },
  };
}

type PrismaTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

class Refused extends Error {
  constructor(readonly refusal: WriteRefusal) {
    super(refusal);
  }
}

export type ShowingModel = ReturnType<typeof createShowingModel>;
