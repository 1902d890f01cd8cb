// The micro benches notify as the server does (src/server.ts): in mark_seats' own
// transaction on PGlite, after the commit through the bus on a PostgreSQL server.
import { PostgresBus } from '../../src/core/bus/postgres-bus.js';
import type { Database } from '../../src/core/db/index.js';
import type { Logger } from '../../src/core/logger.js';
import { SeatAnnouncer } from '../../src/modules/seat/seat.announcer.js';
import type { SeatNotifier } from '../../src/modules/seat/seat.model.js';

export async function benchSeatNotifier(database: Database, logger: Logger, channel: string): Promise<{ notifier: SeatNotifier; close(): Promise<void> }> {
  if (database.pglite) return { notifier: { channel }, close: async () => undefined };
  const bus = new PostgresBus(database.connectionString!, logger);
  await bus.start();
  const announcer = new SeatAnnouncer(bus, channel, logger);
  return {
    notifier: { announce: (payloads) => announcer.announce(payloads) },
    async close() {
      await announcer.drain();
      await bus.close();
    },
  };
}
