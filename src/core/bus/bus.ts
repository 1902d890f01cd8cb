// Change notifications between server processes, with the database as the bus: a writer
// calls pg_notify inside its committing transaction (so nothing rolled back is ever
// announced) and every process LISTENs. Notifications are only wake-ups; the data is
// read from the committed rows, so a lost notification costs latency, never data:
// after every reconnect the bus fires `onReconnect` so listeners catch up.
export type NotificationHandler = (payload: string) => void;

export interface ChangeBus {
  /** Registers a handler for a channel (LISTEN). Channel names are case-sensitive. */
  listen(channel: string, handler: NotificationHandler): Promise<void>;
  /** NOTIFY outside a transaction, for changes whose data is already committed. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Called after the LISTEN connection was lost and is back: anything sent meanwhile is
   * gone. A handler that catches up returns a promise; `listening` waits for it.
   */
  onReconnect(handler: () => void | Promise<void>): void;
  /** False from the loss of the LISTEN connection until it is back and every reconnect handler has finished. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export const CHANNELS = {
  hallChanged: 'seats_sync_hall',
  catalogChanged: 'seats_sync_catalog',
  userChanged: 'seats_sync_user',
  /** `<browser key> <user id> <session version>`: that browser logged in over HTTP. */
  browserSignedIn: 'seats_sync_browser',
} as const;
