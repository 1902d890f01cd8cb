// Hall rules: reading comes from the live state; admin changes are checked here
// (cinema and seat types exist, names unique, no OCCUPIED seats on rename or delete) and
// announced on the catalog channel so every process refreshes its lists and states.
import { isForeignKeyViolation, isUniqueViolation } from '../../core/db/prisma-errors.js';
import { AppError } from '../../core/errors.js';
import type { HallModel } from './hall.model.js';
import { layoutHall, type HallLayoutSpec } from './hall.layout.js';
import type { HallStore } from './hall.store.js';
import type { HallView } from './hall.types.js';

export function createHallService(model: HallModel, store: HallStore, announce: (what: string) => Promise<void>) {
  async function named<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('NameTaken', 'this cinema already has a hall with that name');
      // The cinema was deleted between the check and the insert.
      if (isForeignKeyViolation(error)) throw new AppError('CinemaNotFound', 'the cinema no longer exists');
      throw error;
    }
  }

  function refusal(outcome: 'not_found' | 'occupied', id: number): AppError {
    return outcome === 'not_found'
      ? new AppError('HallNotFound', `no hall ${id}`)
      : new AppError('HallHasOccupiedSeats', 'the hall has OCCUPIED seats; vacate them first');
  }

  return {
    /** The hall's current seat map, as hall.subscribe shows it. */
    async get(id: number) {
      const live = await store.liveHall(id);
      const state = store.currentState(live);
      if (!state) throw new AppError('HallNotFound', `no hall ${id}`);
      return state.snapshot();
    },

    /** The same, as an object (the REST API checks its cinema and sends it). */
    async view(id: number) {
      const live = await store.liveHall(id);
      const state = store.currentState(live);
      if (!state) throw new AppError('HallNotFound', `no hall ${id}`);
      return state.view();
    },

    preview(layout: HallLayoutSpec) {
      return layoutHall(layout);
    },

    async create(input: { cinema_id: number; name: string; layout: HallLayoutSpec }): Promise<HallView> {
      if (!(await model.cinemaExists(input.cinema_id))) throw new AppError('CinemaNotFound', `no cinema ${input.cinema_id}`);
      const layout = layoutHall(input.layout);
      if (!(await model.seatTypesExist(layout.seats.map((s) => s.seat_type_id)))) {
        throw new AppError('SeatTypeNotFound', 'the layout names a seat type that does not exist');
      }
      const id = await named(() =>
        model.createHall({ cinema_id: input.cinema_id, name: input.name, rows: layout.rows, places: layout.places, seats: layout.seats }),
      );
      await announce(`hall:${id}`);
      return (await store.getHall(id)).view();
    },

    async rename(id: number, name: string): Promise<{ id: number; name: string }> {
      const outcome = await named(() => model.withHallLockedIfNoneOccupied(id, async (tx) => {
        await tx.hall.update({ where: { id }, data: { name } });
      }));
      if (outcome !== 'done') throw refusal(outcome, id);
      await announce(`hall:${id}`);
      return { id, name };
    },

    async remove(id: number): Promise<{ id: number; deleted: true }> {
      const outcome = await model.withHallLockedIfNoneOccupied(id, async (tx) => {
        await tx.hall.delete({ where: { id } });
      });
      if (outcome !== 'done') throw refusal(outcome, id);
      await announce(`hall:${id}`);
      return { id, deleted: true };
    },
  };
}

export type HallService = ReturnType<typeof createHallService>;
