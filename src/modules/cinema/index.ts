// The cinema module: the cinema list with live counts, its subscription, and cinema administration.
import type { PrismaClient } from '../../generated/prisma/client.js';
import { createCinemaHandlers } from './cinema.controller.js';

import { createCinemaModel } from './cinema.model.js';
import { createCinemaService } from './cinema.service.js';
import { CinemasFeed } from './cinema.subscription.js';

export { cinemaMessages } from './cinema.controller.js';

export type { CinemasUpdate, CinemaView, HallSummary } from './cinema.types.js';
export { cinemaViewSchema } from './cinema.types.js';

export function createCinemaModule(deps: {
  prisma: PrismaClient;
  announce: (what: string) => Promise<void>;
  /** Halls whose current seat map is a showing's (the schedule's): their counts are that showing's. */
  currentShowings: () => ReadonlyMap<number, number>;
}) {
  const feed = new CinemasFeed();
  const service = createCinemaService(createCinemaModel(deps.prisma), feed, deps.announce, deps.currentShowings);
  return {
    handlers: createCinemaHandlers(service, feed),
    hallCountsChanged: service.hallCountsChanged,
    /** Every cinema with its halls and counts (cinemas.get_cinemas). */
    list: () => service.list(),
    reload: () => service.reload(),
    currentMapsChanged: () => service.currentMapsChanged(),
    /** The cinema's name, null when there is no such cinema. */
    async name(id: number): Promise<string | null> {
      return (await service.list()).find((c) => c.id === id)?.name ?? null;
    },
  };
}
