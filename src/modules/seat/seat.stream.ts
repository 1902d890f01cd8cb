// A stream is one versioned seat map: a hall's own (the hall without a showing, and where
// maintenance is kept) or one showing's. Each has its own gap-free version, durable log
// (seat_event or showing_event) and subscribers; `hall:<id>` / `showing:<id>` name it in
// maps and notifications.
import { seatChanges, type CommittedChange, type DatabaseSeatChange } from './seat.types.js';

export interface StreamRef {
  hall_id: number;
  /** null: the hall's own stream. */
  showing_id: number | null;
}

export type StreamKey = `hall:${number}` | `showing:${number}`;

export function streamKey(ref: StreamRef): StreamKey {
  return ref.showing_id === null ? `hall:${ref.hall_id}` : `showing:${ref.showing_id}`;
}

export interface StreamNotification {
  key: StreamKey;
  /** The stream's last committed version. */
  version: number;
  /** What that commit changed in the stream, in version order, when the payload carried it. */
  changes?: CommittedChange[];
}

/** A notification's hint, with the changes' JSON not parsed yet. */
export interface StreamHint {
  key: StreamKey;
  version: number;
  /** The JSON of the changes, when the payload carried them. */
  body?: string;
}

/** One committed change as notifications carry it: the seats as the database wrote them. */
interface NotifiedChange {
  hall_id: number;
  showing_id: number | null;
  version: number;
  seats: DatabaseSeatChange[];
}

/**
 * A NOTIFY payload on the seat channel: a hint, '<hall id>:<version>' for a hall's stream
 * or 'showing:<id>:<version>' for a showing's, optionally followed by a space and the JSON
 * array of the changes that commit made to the stream (mark_seats sends them when they
 * fit; migration lean_mark_seats). Null for anything else; changes that do not look
 * right are left out, and the listener reads the log instead.
 */
export function parseStreamNotification(payload: string): StreamNotification | null {
  const hint = parseStreamHint(payload);
  if (!hint) return null;
  const changes = carriedChanges(hint);
  return changes ? { key: hint.key, version: hint.version, changes } : { key: hint.key, version: hint.version };
}

/** The hint alone: a listener that has applied the version already need not parse the rest. */
export function parseStreamHint(payload: string): StreamHint | null {
  const space = payload.indexOf(' ');
  const parts = (space === -1 ? payload : payload.slice(0, space)).split(':');
  const [id, version] = parts.slice(-2).map(Number) as [number, number];
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(version) || id <= 0) return null;
  let key: StreamKey;
  if (parts.length === 2) key = `hall:${id}`;
  else if (parts.length === 3 && parts[0] === 'showing') key = `showing:${id}`;
  else return null;
  return space === -1 ? { key, version } : { key, version, body: payload.slice(space + 1) };
}

/** The changes a hint's payload carried, when they parse and end at its version. */
export function carriedChanges(hint: StreamHint): CommittedChange[] | undefined {
  return hint.body === undefined ? undefined : (parseChanges(hint.body, hint.key, hint.version) ?? undefined);
}

/** The changes of one stream, ending at `version`; null when the JSON is not that. */
function parseChanges(json: string, key: StreamKey, version: number): CommittedChange[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const changes: CommittedChange[] = [];
  for (const item of raw as NotifiedChange[]) {
    if (typeof item !== 'object' || item === null || !Array.isArray(item.seats) || !Number.isSafeInteger(item.version)) return null;
    if (streamKey(item) !== key) return null;
    changes.push({ hall_id: item.hall_id, showing_id: item.showing_id, version: item.version, seats: seatChanges(item.seats) });
  }
  return changes.at(-1)?.version === version ? changes : null;
}
