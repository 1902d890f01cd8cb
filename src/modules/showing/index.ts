// The showing module: showings (a film in a hall at a time, each its own seat map and
// version stream), the clock-driven schedule that decides each hall's current showing,
// the lobby boards' schedule feed, and showing administration. Seat maps themselves are
// the hall module's (HallStore); this module tells it when a hall rolls over.
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { HallState, HallStore, HallSubscriptions } from '../hall/index.js';
import { createShowingHandlers } from './showing.controller.js';
import { ScheduleFeed } from './showing.feed.js';
import { createShowingModel } from './showing.model.js';
import { Schedule } from './showing.schedule.js';
import { createShowingService } from './showing.service.js';
import type { ShowingListInput } from './showing.types.js';

export { showingMessages } from './showing.controller.js';
export type { ScheduleUpdate, ScheduleView, ShowingListInput, ShowingView } from './showing.types.js';
export { showingListReplySchema, showingListSchema } from './showing.types.js';

export interface ShowingModuleDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  leadMs: number;
  timeZone: string;
  store: HallStore;
  subscriptions: HallSubscriptions;
  announce(what: string): Promise<void>;
  cinemaName(cinemaId: number): Promise<string | null>;
  /** These halls' current showing changed (after the hall store was told). */
  onRollover(hallIds: number[]): void;
}

export function createShowingModule(deps: ShowingModuleDeps) {
  const model = createShowingModel(deps.prisma);
  const feed = new ScheduleFeed(() => schedule, deps.cinemaName, deps.timeZone);
  const schedule: Schedule = new Schedule({
    upcoming: model.upcoming,
    clock: deps.clock,
    leadMs: deps.leadMs,
    timeZone: deps.timeZone,
    logger: deps.logger,
    onRollover: (hallIds) => {
      for (const hallId of hallIds) void deps.store.rollover(hallId);
      deps.onRollover(hallIds);
    },
    onUpcoming: (next) => {
      for (const { hallId, showingId } of next) deps.store.prefetch({ hall_id: hallId, showing_id: showingId });
    },
    onDayChanged: (cinemaIds) => void feed.dayChanged(cinemaIds).catch((error: unknown) => deps.logger.error('schedule push failed', { error: String(error) })),
    onSeatsLeft: (cinemaId, showing) => feed.seatsLeft(cinemaId, showing),
  });
  const service = createShowingService(model, deps.announce, () => deps.clock.now());
  return {
    schedule,
    handlers: createShowingHandlers(service, deps.store, deps.subscriptions, feed),
    /** showing.list and showing.get, for the REST API. */
    list: (input: ShowingListInput) => service.list(input),
    seatMap: async (id: number) => (await deps.store.get({ hall_id: 0, showing_id: id })).view(),
    start: () => schedule.start(),
    close: () => schedule.close(),
    /** Counts of a loaded seat map after each version: seats left for the boards. */
    countsChanged(state: HallState): void {
      if (state.showingId !== null) schedule.countsChanged(state.showingId, state.version, state.totals);
    },
    /** An admin change announced on the catalog channel. */
    async catalogChanged(what: string): Promise<void> {
      const [kind, id] = what.split(':');
      if (kind === 'showing') await deps.store.refreshShowing(Number(id));
      // Any catalog change may rename what the boards show (a hall, a cinema) or the schedule itself.
      await schedule.reload();
    },
  };
}
