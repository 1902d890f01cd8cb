// The dialect of the original Seats Sync web client (github.com/scheron/SeatsSync,
// apps/frontend), spoken by every socket that names no subprotocol. That client cannot be
// changed, so this file carries what it expects on the wire; `DIFFERENCES` below is the
// table docs/protocol.md prints, kept next to the code that implements it.
//
// It knows the seat statuses and a few message shapes by name: it is a wire format, like
// envelope.ts, and imports nothing from the modules.
//
// Seats: the client knows only VACANT and RESERVED; any other status renders as an empty
// box that opens a dead modal, and its percentages are RESERVED / (RESERVED + VACANT).
// OCCUPIED and MAINTENANCE are both "not available" to its users, so both are sent as
// RESERVED: the seat shows as taken and cannot be clicked, and the occupancy it shows is
// the share of seats nobody can take now. Its reserve button sends RESERVED, which the
// server takes as OCCUPIED in every dialect (seat.types.ts).
import type { ErrorCode } from '../errors.js';
import { encodePushBody, encodeReply, type ReplyStatus } from './envelope.js';
import { plain, type Dialect } from './dialect.js';

type Counts = Record<string, number>;
type Json = Record<string, unknown>;

export const ORIGINAL_DIALECT: Dialect = {
  index: 1,
  name: 'original (no subprotocol)',
  reply(type, eid, status, data) {
    // The original server never answers an unsubscribe; the client would toast any error.
    if (type.endsWith('.unsubscribe')) return null;
    return encodeReply(type, eid, status, translate(type, status, plain(data))[0]);
  },
  error: (type: string, eid: string, code: ErrorCode) => (type.endsWith('.unsubscribe') ? null : encodeReply(type, eid, 'error', null, code)),
  pushBodies: (type: string, status: ReplyStatus, data: unknown) =>
    translate(type, status, plain(data)).map((part) => encodePushBody(type, status, part)),
  // Its client sends the text frame `1` every 4 s and expects `1` back.
  heartbeat: (text) => (text === '1' ? '1' : null),
};

/** One or more payloads in the original's shape (a cinemas update becomes one per cinema). */
function translate(type: string, status: ReplyStatus, data: unknown): unknown[] {
  switch (type) {
    case 'cinemas.get_cinemas':
      return [mapArray(data, cinema)];
    case 'cinemas.subscribe':
      // Its client merges each update as ONE cinema `{id, halls}`.
      return status === 'update' && Array.isArray(data) ? data.map(cinema) : [mapArray(data, cinema)];
    case 'hall.get':
    case 'hall.subscribe':
    case 'hall.create':
    case 'hall.update_seat_status':
      return [hall(data)];
    case 'user.subscribe':
      return [user(data)];
    default:
      return [data];
  }
}

function seatStatus(status: unknown): unknown {
  return status === 'OCCUPIED' || status === 'MAINTENANCE' || status === 'HELD' ? 'RESERVED' : status;
}

function counts(value: unknown): unknown {
  if (!isObject(value)) return value;
  const c = value as Counts;
  return { VACANT: c.VACANT ?? 0, RESERVED: (c.OCCUPIED ?? 0) + (c.MAINTENANCE ?? 0) + (c.HELD ?? 0) };
}

function cinema(value: unknown): unknown {
  if (!isObject(value) || !Array.isArray(value.halls)) return value;
  return { ...value, halls: value.halls.map((h: unknown) => (isObject(h) && 'seats_count' in h ? { ...h, seats_count: counts(h.seats_count) } : h)) };
}

function hall(value: unknown): unknown {
  if (!isObject(value)) return value;
  const out: Json = { ...value };
  if (Array.isArray(value.seats)) out.seats = value.seats.map((s: unknown) => (isObject(s) && 'status' in s ? { ...s, status: seatStatus(s.status) } : s));
  if (Array.isArray(value.seat_types)) out.seat_types = value.seat_types.map((t: unknown) => (isObject(t) && 'seats' in t ? { ...t, seats: counts(t.seats) } : t));
  return out;
}

function user(value: unknown): unknown {
  if (!isObject(value)) return value;
  return value.status === 'user' ? { status: 'user', username: value.username } : { status: value.status };
}

function mapArray(value: unknown, each: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(each) : value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every difference between the two dialects, for docs/protocol.md. */
export const DIFFERENCES: { what: string; ours: string; original: string }[] = [
  { what: 'Chosen by', ours: 'subprotocol `seats-sync.v1` on the upgrade', original: 'no subprotocol' },
  { what: 'Seat `status` (hall.get, hall.subscribe, hall.create, hall.update_seat_status)', ours: '`VACANT`, `OCCUPIED`, `MAINTENANCE`', original: '`VACANT`, or `RESERVED` for both `OCCUPIED` and `MAINTENANCE` (neither can be taken)' },
  { what: 'Counts: `seats_count` of cinema halls, `seat_types[].seats`', ours: '`{VACANT, OCCUPIED, MAINTENANCE}`', original: '`{VACANT, RESERVED}`, RESERVED = OCCUPIED + MAINTENANCE' },
  { what: '`cinemas.subscribe` update', ours: 'one push: `[{id, halls: [{id, seats_count}]}]`', original: 'one push per cinema: `{id, halls: [{id, seats_count}]}`' },
  { what: '`user.subscribe` data', ours: '`{status: "user", username, role}` or `{status: "guest"}`', original: '`{status: "user", username}` or `{status: "guest"}`' },
  { what: 'Error replies', ours: '`data: {message, ...details}`', original: '`data: null` (the code is in `error`)' },
  { what: 'Replies to `*.unsubscribe`', ours: '`{unsubscribed}` or `NotSubscribed`', original: 'none (as the original server)' },
  { what: 'Heartbeat', ours: 'WebSocket ping/pong only; a text frame `1` is a `ValidationError`', original: 'the text frame `1` is answered `1` (WebSocket pings too)' },
  { what: 'Requests, the envelope, other replies and pushes, HTTP', ours: 'as documented above', original: 'the same (`RESERVED` is accepted on input in both)' },
];
