// Wake-ups for seat changes committed by any process: the committing statement sent
// pg_notify('seats_sync_hall', '<hall_id>:<version>'). The payload is only a hint; the
// hall state reads the committed events itself, so it never trusts or needs more.
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';

export interface SeatChangeListener {
  /** A change of `hallId` up to `version` was committed somewhere. */
  committed(hallId: number, version: number): void;
  /** Notifications may have been lost (LISTEN connection dropped): re-check every hall; resolves when done. */
  resync(): Promise<void>;
}

export async function listenForSeatChanges(bus: ChangeBus, listener: SeatChangeListener): Promise<void> {
  bus.onReconnect(() => listener.resync());
  await bus.listen(CHANNELS.hallChanged, (payload) => {
    const [hall, version] = payload.split(':').map(Number);
    if (Number.isInteger(hall) && Number.isInteger(version)) listener.committed(hall!, version!);
  });
}
