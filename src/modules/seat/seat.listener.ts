// Wake-ups for seat changes committed by any process: the committing statement sent
// pg_notify('seats_sync_hall', '<hall_id>:<version>' or 'showing:<id>:<version>', followed
// by the committed changes when they fit: seat.stream.ts). With the changes, the hall
// store applies them as it applies its own commits; without, it reads the log.
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import { carriedChanges, parseStreamHint, type StreamKey } from './seat.stream.js';
import type { CommittedChange } from './seat.types.js';

export interface SeatChangeListener {
  /**
   * A change of the stream up to `version` was committed somewhere. `changes` reads what
   * it changed, when the notification carried it (undefined when that does not parse):
   * parsed only when called, so a listener that applied the version already skips it.
   */
  committed(key: StreamKey, version: number, changes?: () => CommittedChange[] | undefined): void;
  /** Notifications may have been lost (LISTEN connection dropped): re-check every stream; resolves when done. */
  resync(): Promise<void>;
}

export async function listenForSeatChanges(bus: ChangeBus, listener: SeatChangeListener): Promise<void> {
  bus.onReconnect(() => listener.resync());
  await bus.listen(CHANNELS.hallChanged, (payload) => {
    const hint = parseStreamHint(payload);
    if (hint) listener.committed(hint.key, hint.version, hint.body === undefined ? undefined : () => carriedChanges(hint));
  });
}
