// The wire shapes as the pages and tests see them, derived from the server's message
// descriptors and zod schemas (z.input for what a request sends, z.output for what the
// server answers), never written by hand. Type-only imports: the bundler erases them, so
// no server code (nor zod or Prisma) reaches the browser.
import type { z } from 'zod';
import type { ErrorCode as ServerErrorCode } from '../../src/core/errors.js';
import type { Reply } from '../../src/core/protocol/envelope.js';
import type { MESSAGES } from '../../src/handlers.js';
import type { CinemasUpdate as ServerCinemasUpdate, CinemaView, HallSummary as ServerHallSummary } from '../../src/modules/cinema/index.js';
import type { hallSnapshotPushSchema, HallUpdate as ServerHallUpdate, HallView, SeatTypeCountsView, SeatView, ShowingSummary as ServerShowingSummary } from '../../src/modules/hall/index.js';
import type { SeatStatus as ServerSeatStatus, SeatTypeView, StatusCounts as ServerStatusCounts } from '../../src/modules/seat/index.js';
import type { ScheduleUpdate as ServerScheduleUpdate, ScheduleView, ShowingView } from '../../src/modules/showing/index.js';
import type { UserStatus as ServerUserStatus } from '../../src/modules/user/index.js';

type Message = (typeof MESSAGES)[number];
type MessageOf<K extends Message['type']> = Extract<Message, { type: K }>;
export type RequestType = Message['type'];
/** Request type -> [data sent, reply data]. Subscriptions have their own methods. */
export type RequestMap = { [K in RequestType]: [z.input<MessageOf<K>['data']>, z.output<MessageOf<K>['reply']>] };

export type SeatStatus = ServerSeatStatus;
export const SEAT_STATUSES: readonly SeatStatus[] = ['VACANT', 'OCCUPIED', 'MAINTENANCE', 'HELD'];
export type StatusCounts = ServerStatusCounts;
export type UserStatus = ServerUserStatus;
export type Role = Extract<UserStatus, { status: 'user' }>['role'];
export type SeatType = SeatTypeView;
export type Seat = SeatView;
export type SeatGeometry = Pick<Seat, 'x' | 'y' | 'width' | 'height' | 'rotation'>;
export type HallSeatType = SeatTypeCountsView;
export type Hall = HallView;
export type HallUpdate = ServerHallUpdate;
export type SeatChange = HallUpdate['seats'][number];
export type HallSummary = ServerHallSummary;
export type Cinema = CinemaView;
/** A `cinemas.subscribe` update: only the changed halls' counts, to deep-merge by id. */
export type CinemasUpdate = ServerCinemasUpdate;
export type HallHistory = RequestMap['hall.history'][1];
export type HistoryEvent = HallHistory['events'][number];
export type LayoutSpec = RequestMap['hall.preview'][0]['layout'];
export type LayoutPreview = RequestMap['hall.preview'][1];
export type PreviewSeat = LayoutPreview['seats'][number];
export type UserSummary = RequestMap['user.list'][1]['users'][number];
export type WebhookEndpoint = RequestMap['webhook.list'][1]['endpoints'][number];
export type ApiKey = RequestMap['api_key.list'][1]['keys'][number];
export type WebhookEvent = RequestMap['webhook.create'][0]['events'][number];
export type SeatStatusResult = RequestMap['hall.update_seat_status'][1];
/** The showing a seat map belongs to (a snapshot's `showing`). */
export type ShowingSummary = ServerShowingSummary;
/** A showing in lists (showing.list, the lobby schedule), with seats left. */
export type Showing = ShowingView;
/** `schedule.subscribe`: a cinema's coming showings of the day. */
export type Schedule = ScheduleView;
/** A `schedule.subscribe` update: new seats-left figures, by showing id. */
export type ScheduleUpdate = ServerScheduleUpdate;
/** Why a snapshot was pushed after the first: the hall moved to another seat map, or an admin changed it. */
export type SnapshotReason = z.output<typeof hallSnapshotPushSchema>['reason'];

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
export type Frame = Omit<Reply, 'error'> & { error: ErrorCode | null };
