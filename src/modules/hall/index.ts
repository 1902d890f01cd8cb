// The hall module: live hall state (cache + ordering), hall subscriptions and resume,
// and hall administration.
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeLog } from '../seat/index.js';
import { createHallHandlers } from './hall.controller.js';

import { createHallModel } from './hall.model.js';
import { createHallService } from './hall.service.js';
import type { HallState } from './hall.state.js';
import { HallStore } from './hall.store.js';
import { createHallSubscriptions } from './hall.subscription.js';

export { hallMessages } from './hall.controller.js';

export { hallLayoutSpecSchema, layoutBounds, layoutHall, type HallLayoutSpec, type LayoutSeat } from './hall.layout.js';
export type { HallStore } from './hall.store.js';
export { showingTopic, type HallState } from './hall.state.js';
export type { HallSubscriptions } from './hall.subscription.js';
export {
  hallResumedSchema,
  hallSnapshotPushSchema,
  hallUpdateSchema,
  hallViewSchema,
  SHOWING_STATUSES,
  showingSummarySchema,
  type HallUpdate,
  type HallView,
  type SeatTypeCountsView,
  type SeatView,
  type ShowingSummary,
} from './hall.types.js';

export interface HallModuleDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  historySize: number;
  /** The database's epoch (core/db/epoch.ts). */
  epoch: string;
  /** The seat module's durable change log: catch-up and resume read it. */
  changeLog: ChangeLog;
  /** Every stream's counts after each version (see HallStore). */
  onCounts(state: HallState): void;
  /** The hall's current showing now, from the schedule (null: its own map). */
  currentShowing(hallId: number): number | null;
  announce(what: string): Promise<void>;
}

export function createHallModule(deps: HallModuleDeps) {
  const model = createHallModel(deps.prisma);
  const store = new HallStore({
    loadStream: model.loadStream,
    changesAfter: deps.changeLog.changesAfter,
    historySize: deps.historySize,
    epoch: deps.epoch,
    logger: deps.logger,
    metrics: deps.metrics,
    onCounts: deps.onCounts,
    currentShowing: deps.currentShowing,
  });
  const service = createHallService(model, store, deps.announce);
  const subscriptions = createHallSubscriptions(store, deps.changeLog);
  return {
    store,
    /** showing.subscribe is the showing module's message; it subscribes through these. */
    subscriptions,
    handlers: createHallHandlers(service, subscriptions),
    /** hall.get, for the REST API. */
    get: (id: number) => service.view(id),
    /** An admin change announced on the catalog channel (`hall:<id>`, `cinema:<id>`, `seat_type:<id>`). */
    catalogChanged(what: string): Promise<void> {
      const [kind, id] = what.split(':');
      if (kind === 'hall') return store.refreshHall(Number(id));
      if (kind === 'cinema') return store.refreshCinema(Number(id));
      if (kind === 'seat_type') return store.refreshAll();
      // Schedule changes are the showing module's.
      return Promise.resolve();
    },
  };
}
