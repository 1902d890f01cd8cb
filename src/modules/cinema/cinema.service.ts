// The cinema list with live counts, kept in memory: loaded once from the database,
// counts replaced (never incremented) with each hall version's absolute totals, so a
// duplicate or late notification cannot make them drift; reloaded on structural changes.
import { AppError } from '../../core/errors.js';
import type { StatusCounts } from '../seat/index.js';
import type { CinemaModel } from './cinema.model.js';
import type { CinemasFeed } from './cinema.subscription.js';
import type { CinemaView } from './cinema.types.js';

export function createCinemaService(model: CinemaModel, feed: CinemasFeed, announce: (what: string) => Promise<void>) {
  let cinemas: CinemaView[] | null = null;
  let json: string | null = null;
  const hallVersions = new Map<number, number>();
  let loading: Promise<CinemaView[]> | null = null;
  /** Counts that arrived while the list was loading; applied if newer than what it read. */
  const early = new Map<number, { version: number; counts: StatusCounts }>();

  async function load(): Promise<CinemaView[]> {
    loading ??= model
      .listWithCounts()
      .then((result) => {
        cinemas = result.cinemas;
        json = null;
        hallVersions.clear();
        for (const [id, version] of result.versions) hallVersions.set(id, version);
        for (const [id, { version, counts }] of early) apply(id, version, counts);
        early.clear();
        return result.cinemas;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  function apply(hallId: number, version: number, counts: StatusCounts): void {
    if (!cinemas) {
      early.set(hallId, { version, counts: { ...counts } });
      return;
    }
    if ((hallVersions.get(hallId) ?? -1) >= version) return;
    for (const cinema of cinemas) {
      const hall = cinema.halls.find((h) => h.id === hallId);
      if (!hall) continue;
      hallVersions.set(hallId, version);
      hall.seats_count = { ...counts };
      json = null;
      feed.countsChanged(cinema.id, hallId, counts);
      return;
    }
  }

  async function named<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (model.isUniqueViolation(error)) throw new AppError('NameTaken', 'a cinema with that name exists');
      throw error;
    }
  }

  return {
    list: async (): Promise<CinemaView[]> => cinemas ?? (await load()),

    async listJson(): Promise<string> {
      const list = cinemas ?? (await load());
      json ??= JSON.stringify(list);
      return json;
    },

    hallCountsChanged: apply,

    /** After an admin change anywhere: reload and push the new list to subscribers. */
    async reload(): Promise<void> {
      cinemas = null;
      await load();
      if (feed.topic.size > 0) feed.structureChanged(await this.listJson());
    },

    async create(data: { name: string; color: string }): Promise<CinemaView> {
      const id = await named(() => model.create(data));
      await announce(`cinema:${id}`);
      return (await load()).find((c) => c.id === id)!;
    },

    async update(data: { id: number; name?: string; color?: string }): Promise<{ id: number }> {
      const found = await named(() => model.update(data.id, { name: data.name, color: data.color }));
      if (!found) throw new AppError('CinemaNotFound', `no cinema ${data.id}`);
      await announce(`cinema:${data.id}`);
      return { id: data.id };
    },

    async remove(id: number): Promise<{ id: number; deleted: true }> {
      const outcome = await model.deleteIfNoneOccupied(id);
      if (outcome === 'not_found') throw new AppError('CinemaNotFound', `no cinema ${id}`);
      if (outcome === 'occupied') throw new AppError('CinemaHasOccupiedSeats', 'a hall of this cinema has OCCUPIED seats');
      await announce(`cinema:${id}`);
      return { id, deleted: true };
    },
  };
}

export type CinemaService = ReturnType<typeof createCinemaService>;
