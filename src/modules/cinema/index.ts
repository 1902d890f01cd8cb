// The cinema module: the cinema list with live counts, its subscription, and cinema administration.
import type { PrismaClient } from '../../generated/prisma/client.js';
import { createCinemaHandlers } from './cinema.controller.js';

import { createCinemaModel } from './cinema.model.js';
import { createCinemaService } from './cinema.service.js';
import { CinemasFeed } from './cinema.subscription.js';

export { cinemaMessages } from './cinema.controller.js';

export type { CinemasUpdate, CinemaView, HallSummary } from './cinema.types.js';

export function createCinemaModule(deps: { prisma: PrismaClient; announce: (what: string) => Promise<void> }) {
  const feed = new CinemasFeed();
  const service = createCinemaService(createCinemaModel(deps.prisma), feed, deps.announce);
  return {
    handlers: createCinemaHandlers(service, feed),
    hallCountsChanged: service.hallCountsChanged,
    reload: () => service.reload(),
  };
}
