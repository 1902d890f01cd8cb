// Wake-ups for seat changes committed by any process: the committing statement sent
// pg_notify('seats_sync_hall', '<hall_id>:<version>' or 'showing:<id>:<version>'). The
// payload is only a hint; the hall store reads the committed events itself, so it never
// trusts or needs more.
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import { parseStreamNotification, type StreamKey } from './seat.stream.js';

export interface SeatChangeListener {
  /** A change of the stream up to `version` was committed somewhere. */
  committed(key: StreamKey, version: number): void;
  /** Notifications may have been lost (LISTEN connection dropped): re-check every stream; resolves when done. */
  resync(): Promise<void>;
}

export async function listenForSeatChanges(bus: ChangeBus, listener: SeatChangeListener): Promise<void> {
  bus.onReconnect(() => listener.resync());
  await bus.listen(CHANNELS.hallChanged, (payload) => {
    const notification = parseStreamNotification(payload);
    if (notification) listener.committed(notification.key, notification.version);
  });
}
