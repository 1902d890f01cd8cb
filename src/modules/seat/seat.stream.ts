// A stream is one versioned seat map: a hall's own (the hall without a showing, and where
// maintenance is kept) or one showing's. Each has its own gap-free version, durable log
// (seat_event or showing_event) and subscribers; `hall:<id>` / `showing:<id>` name it in
// maps and notifications.
export interface StreamRef {
  hall_id: number;
  /** null: the hall's own stream. */
  showing_id: number | null;
}

export type StreamKey = `hall:${number}` | `showing:${number}`;

export function streamKey(ref: StreamRef): StreamKey {
  return ref.showing_id === null ? `hall:${ref.hall_id}` : `showing:${ref.showing_id}`;
}

/**
 * The NOTIFY payload mark_seats sends: '<hall id>:<version>' for a hall's stream,
 * 'showing:<id>:<version>' for a showing's. Null for anything else.
 */
export function parseStreamNotification(payload: string): { key: StreamKey; version: number } | null {
  const parts = payload.split(':');
  const numbers = parts.slice(-2).map(Number);
  const [id, version] = numbers as [number, number];
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(version) || id <= 0) return null;
  if (parts.length === 2) return { key: `hall:${id}`, version };
  if (parts.length === 3 && parts[0] === 'showing') return { key: `showing:${id}`, version };
  return null;
}
