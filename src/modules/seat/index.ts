// The seat module: status changes (the write path behind every push), the audit trail,
// and seat types.
import { CHANNELS } from '../../core/bus/bus.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { GroupCommitOptions } from './seat.group-commit.js';
import { createSeatHandlers } from './seat.controller.js';

import { createSeatModel, type RawSql } from './seat.model.js';
import { createSeatService, type ChangeSink } from './seat.service.js';

export { seatMessages } from './seat.controller.js';

export { listenForSeatChanges, type SeatChangeListener } from './seat.listener.js';
export type { ChangeSink } from './seat.service.js';
export type { RawSql } from './seat.model.js';
export { createChangeLog, type ChangeLog } from './seat.change-log.js';
export { parseStreamNotification, streamKey, type StreamKey, type StreamRef } from './seat.stream.js';
export * from './seat.types.js';

export function createSeatModule(deps: {
  prisma: PrismaClient;
  sql: RawSql;
  groupCommit: GroupCommitOptions;
  sink: ChangeSink;
  onCatalogChanged: (what: string) => Promise<void>;
  currentShowing(hallId: number): number | null;
}) {
  const model = createSeatModel(deps.prisma, deps.sql, deps.groupCommit, CHANNELS.hallChanged);
  const service = createSeatService({ model, sink: deps.sink, onCatalogChanged: deps.onCatalogChanged, currentShowing: deps.currentShowing });
  return {
    handlers: createSeatHandlers(service),
    /** hall.update_seat_status's service, for the REST API. */
    markSeats: service.markSeats,
  };
}
