// The cinema list with live counts, kept in memory: loaded once from the database,
// counts replaced (never incremented) with each version's absolute totals of the hall's
// current seat map (its own, or its current showing's), so a duplicate or late
// notification cannot make them drift; reloaded on structural changes and rollovers.
import { isUniqueViolation } from '../../core/db/prisma-errors.js';
import { AppError } from '../../core/errors.js';
import type { StatusCounts } from '../seat/index.js';
import type { CinemaModel } from './cinema.model.js';
import type { CinemasFeed } from './cinema.subscription.js';
import type { CinemaView } from './cinema.types.js';

export function createCinemaService(
  model: CinemaModel,
  feed: CinemasFeed,
  announce: (what: string) => Promise<void>,
  currentShowings: () => ReadonlyMap<number, number>,
) {
  let cinemas: CinemaView[] | null = null;
  let json: string | null = null;
  /** Per hall: the seat map its counts come from, and that map's version. */
  const hallVersions = new Map<number, { stream: string; version: number }>();
  /** Bumped by every structural change: a list read before it is stale. */
  let generation = 0;
  let loading: { generation: number; promise: Promise<CinemaView[]> } | null = null;
  /** Counts that arrived while a load ran; applied after it if newer than what it read. */
  const early = new Map<number, { stream: string; version: number; counts: StatusCounts }>();

  function load(): Promise<CinemaView[]> {
    if (loading && loading.generation === generation) return loading.promise;
    const started = generation;
    const promise: Promise<CinemaView[]> = model
      .listWithCounts(currentShowings())
      .then((result) => {
        // A change announced while this read ran may be missing from it: read again.
        if (started !== generation) return load();
        cinemas = result.cinemas;
        json = null;
        hallVersions.clear();
        for (const [id, known] of result.versions) hallVersions.set(id, known);
        for (const [id, { stream, version, counts }] of early) apply(id, stream, version, counts);
        early.clear();
        return result.cinemas;
      })
      .finally(() => {
        if (loading?.promise === promise) loading = null;
      });
    loading = { generation: started, promise };
    return promise;
  }

  function fresh(): Promise<CinemaView[]> {
    generation++;
    return load();
  }

  /** `stream` is the hall's current seat map (the caller's word): a new one replaces the old whatever the versions. */
  function apply(hallId: number, stream: string, version: number, counts: StatusCounts): void {
    if (loading) {
      const known = early.get(hallId);
      if (!known || known.stream !== stream || known.version < version) early.set(hallId, { stream, version, counts: { ...counts } });
    }
    const known = hallVersions.get(hallId);
    if (!cinemas || (known && known.stream === stream && known.version >= version)) return;
    for (const cinema of cinemas) {
      const hall = cinema.halls.find((h) => h.id === hallId);
      if (!hall) continue;
      hallVersions.set(hallId, { stream, version });
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
      if (isUniqueViolation(error)) throw new AppError('NameTaken', 'a cinema with that name exists');
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

    /**
     * Halls moved to another seat map (a showing began or ended): reload, and push only
     * the counts that changed, as count updates. A new snapshot would do too, but the
     * original web client answers every cinemas snapshot by selecting the first hall.
     */
    async currentMapsChanged(): Promise<void> {
      const before = new Map((cinemas ?? []).flatMap((c) => c.halls.map((h) => [h.id, JSON.stringify(h.seats_count)] as const)));
      const list = await fresh();
      for (const cinema of list) {
        for (const hall of cinema.halls) {
          if (before.get(hall.id) !== JSON.stringify(hall.seats_count)) feed.countsChanged(cinema.id, hall.id, hall.seats_count);
        }
      }
    },

    /** After an admin change anywhere: reload and push the new list to subscribers. */
    async reload(): Promise<void> {
      const list = await fresh();
      json ??= JSON.stringify(list);
      if (feed.topic.size > 0) feed.structureChanged(json);
    },

    async create(data: { name: string; color: string }): Promise<CinemaView> {
      const id = await named(() => model.create(data));
      await announce(`cinema:${id}`);
      // announce() has refreshed the list already.
      const created = (await load()).find((c) => c.id === id);
      if (!created) throw new AppError('CinemaNotFound', `cinema ${id} was deleted meanwhile`);
      return created;
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
