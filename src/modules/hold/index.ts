// The hold module: seats of a showing held by a box office while a customer pays, then
// confirmed (OCCUPIED), released or expired (VACANT), each step a versioned change of the
// showing; and the singleton job that expires them.
import { CHANNELS } from '../../core/bus/bus.js';
import { advisoryLeadership, alwaysLeading, LOCKS } from '../../core/db/leadership.js';
import type { Logger } from '../../core/logger.js';
import type { ChangeSink, RawSql } from '../seat/index.js';
import { createHoldHandlers } from './hold.controller.js';
import { HoldExpiry } from './hold.expiry.js';
import { createHoldModel } from './hold.model.js';
import { createHoldService } from './hold.service.js';

export { holdMessages } from './hold.controller.js';
export * from './hold.types.js';

export function createHoldModule(deps: {
  sql: RawSql;
  sink: ChangeSink;
  /** Server mode: the expiry runs where its advisory lock is held; embedded: here. */
  connectionString: string | undefined;
  sweepMs: number;
  logger: Logger;
}) {
  const model = createHoldModel(deps.sql, CHANNELS.hallChanged);
  const service = createHoldService(model, deps.sink);
  const leadership =
    deps.connectionString === undefined
      ? alwaysLeading()
      : advisoryLeadership({ connectionString: deps.connectionString, lock: LOCKS.holdExpiry, retryMs: 1_000, logger: deps.logger, name: 'hold-expiry' });
  const expiry = new HoldExpiry({ model, expire: (id) => service.expire(id), leadership, sweepMs: deps.sweepMs, logger: deps.logger });
  expiry.start();
  return {
    service,
    expiry,
    handlers: createHoldHandlers(model),
    async close(): Promise<void> {
      await expiry.close();
      await leadership.close();
    },
  };
}

export type HoldModule = ReturnType<typeof createHoldModule>;
