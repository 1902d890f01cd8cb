// The hall module: live hall state (cache + ordering), hall subscriptions and resume,
// and hall administration.
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeLog, StatusCounts } from '../seat/index.js';
import { createHallHandlers } from './hall.controller.js';

import { createHallModel } from './hall.model.js';
import { createHallService } from './hall.service.js';
import { HallStore } from './hall.store.js';
import { createHallSubscriptions } from './hall.subscription.js';

export { hallMessages } from './hall.controller.js';

export { hallLayoutSpecSchema, layoutBounds, layoutHall, type HallLayoutSpec, type LayoutSeat } from './hall.layout.js';
export type { HallStore } from './hall.store.js';
export type { HallUpdate, HallView, SeatTypeCountsView, SeatView } from './hall.types.js';

export interface HallModuleDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  historySize: number;
  /** The database's epoch (core/db/epoch.ts). */
  epoch: string;
  /** The seat module's durable change log: catch-up and resume read it. */
  changeLog: ChangeLog;
  onCounts(hallId: number, version: number, totals: StatusCounts): void;
  announce(what: string): Promise<void>;
}

export function createHallModule(deps: HallModuleDeps) {
  const model = createHallModel(deps.prisma);
  const store = new HallStore({
    loadHall: model.loadHall,
    changesAfter: deps.changeLog.changesAfter,
    historySize: deps.historySize,
    epoch: deps.epoch,
    logger: deps.logger,
    metrics: deps.metrics,
    onCounts: deps.onCounts,
  });
  const service = createHallService(model, store, deps.announce);
  return {
    store,
    handlers: createHallHandlers(service, createHallSubscriptions(store, deps.changeLog)),
    /** An admin change announced on the catalog channel (`hall:<id>`, `cinema:<id>`, `seat_type:<id>`). */
    catalogChanged(what: string): Promise<void> {
      const [kind, id] = what.split(':');
      if (kind === 'hall') return store.refreshHall(Number(id));
      if (kind === 'cinema') return store.refreshCinema(Number(id));
      return store.refreshAll();
    },
  };
}
