// The wire shapes of docs/protocol.md, as the pages and tests see them. One source: the
// server's own types and error codes, as type-only imports that the bundler erases, so
// no server code (nor zod or Prisma) reaches the browser.
import type { ErrorCode as ServerErrorCode } from '../../src/core/errors.js';
import type { CinemaView, CinemasUpdate as ServerCinemasUpdate, HallSummary as ServerHallSummary } from '../../src/modules/cinema/index.js';
import type { HallUpdate as ServerHallUpdate, HallView, SeatTypeCountsView, SeatView } from '../../src/modules/hall/index.js';
import type { HistoryEntry, SeatStatus as ServerSeatStatus, SeatTypeView, StatusCounts as ServerStatusCounts } from '../../src/modules/seat/index.js';

export type SeatStatus = ServerSeatStatus;
export const SEAT_STATUSES: readonly SeatStatus[] = ['VACANT', 'OCCUPIED', 'MAINTENANCE'];
export type StatusCounts = ServerStatusCounts;
export type Role = 'viewer' | 'staff' | 'admin';
export type SeatType = SeatTypeView;
export type SeatGeometry = Pick<SeatView, 'x' | 'y' | 'width' | 'height' | 'rotation'>;
export type Seat = SeatView;
export type HallSeatType = SeatTypeCountsView;
export type Hall = HallView;
export type SeatChange = ServerHallUpdate['seats'][number];
export type HallUpdate = ServerHallUpdate;
export type HallSummary = ServerHallSummary;
export type Cinema = CinemaView;
/** A `cinemas.subscribe` update: only the changed halls' counts, to deep-merge by id. */
export type CinemasUpdate = ServerCinemasUpdate;

export type UserStatus = { status: 'guest' } | { status: 'user'; username: string; role: Role };

export type HistoryEvent = HistoryEntry;

export interface HallHistory {
  hall_id: number;
  events: HistoryEvent[];
  next_before_version: number | null;
}

export interface LayoutSpec {
  rows: number;
  places: number | number[];
  aisles_after?: number[];
  shape?: 'straight' | 'curved';
  seat_type_id: number;
  row_seat_types?: { row: number; seat_type_id: number }[];
  seat_seat_types?: { row: number; place: number; seat_type_id: number }[];
}

export interface PreviewSeat extends SeatGeometry {
  row: number;
  place: number;
  seat_type_id: number;
}

export interface LayoutPreview {
  rows: number;
  places: number;
  seats: PreviewSeat[];
}

export interface UserSummary {
  username: string;
  role: Role;
  created_at: string;
  last_login_at: string | null;
}

export interface SeatStatusResult {
  id: number;
  version: number;
  seats: SeatChange[];
}

/** Request type -> [data sent, reply data]. Subscriptions have their own methods. */
export interface RequestMap {
  'cinemas.get_cinemas': [null, Cinema[]];
  'hall.get': [{ id: number }, Hall];
  'seat_type.list': [null, SeatType[]];
  'hall.update_seat_status': [
    { hall_id: number; seats: { seat_id: number; status: SeatStatus }[]; expected_version?: number },
    SeatStatusResult,
  ];
  'hall.history': [{ hall_id: number; limit?: number; before_version?: number }, HallHistory];
  'hall.preview': [{ layout: LayoutSpec }, LayoutPreview];
  'hall.create': [{ cinema_id: number; name: string; layout: LayoutSpec }, Hall];
  'user.list': [null, { users: UserSummary[] }];
  'user.set_role': [{ username: string; role: Role }, { username: string; role: Role }];
  'user.reenrol_link': [{ username: string }, { username: string; path: string; expires_at: string }];
  'hall.unsubscribe': [{ sub_eid: string }, { unsubscribed: number }];
  'cinemas.unsubscribe': [{ sub_eid: string }, { unsubscribed: number }];
  'user.unsubscribe': [{ sub_eid: string }, { unsubscribed: number }];
}
export type RequestType = keyof RequestMap;

/** Codes the server sends (one list: src/core/errors.ts), plus the ones this client raises itself. */
export type ErrorCode =
  | ServerErrorCode
  /** The socket closed before the reply came; the request may or may not have been applied. */
  | 'ConnectionLost'
  /** No reply within the client's timeout. */
  | 'Timeout'
  /** An HTTP request failed before any reply (offline, server down). */
  | 'NetworkError';

/** Error replies carry `{message, ...details}` in data. */
export interface ErrorData {
  message?: string;
  version?: number;
  retry_after?: number;
  issues?: { path: (string | number)[] | string; message: string }[];
  [detail: string]: unknown;
}

/** Every frame the server sends. */
export interface Frame {
  type: string;
  eid: string;
  ts: number;
  status: 'success' | 'error' | 'snapshot' | 'update';
  data: unknown;
  error: ErrorCode | null;
}
