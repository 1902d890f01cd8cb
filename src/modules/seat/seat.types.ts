import { z } from 'zod';
import { idSchema as id, int4Schema, nameSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';

/** Every status a seat can have. HELD only in a showing, held by a box office (the hold module); nobody sets it with a seat change. */
export const SEAT_STATUSES = ['VACANT', 'OCCUPIED', 'MAINTENANCE', 'HELD'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];
/** The statuses a seat change may ask for. */
export const SETTABLE_STATUSES = ['VACANT', 'OCCUPIED', 'MAINTENANCE'] as const;
const count = z.number().int().min(0);
export const statusCountsSchema = z.strictObject({ VACANT: count, OCCUPIED: count, MAINTENANCE: count, HELD: count });
export type StatusCounts = z.output<typeof statusCountsSchema>;
/** A status as the server sends it (never RESERVED). */
export const seatStatusOutSchema = z.enum(SEAT_STATUSES);

export function emptyCounts(): StatusCounts {
  return { VACANT: 0, OCCUPIED: 0, MAINTENANCE: 0, HELD: 0 };
}

/** The reference client's reserve button sends RESERVED: another name for OCCUPIED, never sent back. */
const seatStatusSchema = z.preprocess(
  (value) => (value === 'RESERVED' ? 'OCCUPIED' : value),
  z.enum(SETTABLE_STATUSES),
);

/**
 * Which seat map of the hall: a showing's id, `null` for the hall's own map, absent for
 * the hall's current one (its running or next showing, else its own: what hall.subscribe shows).
 */
const showingTarget = id.nullable().optional();
const singleSeatSchema = z.object({ hall_id: id, showing_id: showingTarget, seat_id: id, status: seatStatusSchema });
const batchSchema = z.object({
  hall_id: id,
  showing_id: showingTarget,
  seats: z
    .array(z.object({ seat_id: id, status: seatStatusSchema }))
    .min(1)
    .max(1_000)
    .refine((seats) => new Set(seats.map((s) => s.seat_id)).size === seats.length, 'a seat may appear once per call'),
  expected_version: int4Schema.optional(),
});

/** Both shapes (the reference client's single seat, and the batch) become one batch. */
export const markSeatsSchema = z.union([batchSchema, singleSeatSchema]).transform((input) =>
  'seats' in input
    ? input
    : { hall_id: input.hall_id, showing_id: input.showing_id, seats: [{ seat_id: input.seat_id, status: input.status }], expected_version: undefined },
);
export type MarkSeatsInput = z.output<typeof markSeatsSchema>;

export const hallHistorySchema = z.object({
  hall_id: id,
  /** A showing of the hall; absent or null: the hall's own stream. */
  showing_id: id.nullable().optional(),
  limit: z.number().int().min(1).max(500).default(50),
  before_version: int4Schema.min(1).optional(),
});
export type HallHistoryInput = z.output<typeof hallHistorySchema>;

const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1e88e5');
export const seatTypeCreateSchema = z.object({ name: nameSchema(40), color: colorSchema });
export const seatTypeUpdateSchema = z
  .object({ id, name: nameSchema(40).optional(), color: colorSchema.optional() })
  .refine((v) => v.name !== undefined || v.color !== undefined, 'give a name or a color');

/** One seat's change inside a committed hall version. */
export interface SeatChange {
  id: number;
  old_status: SeatStatus;
  status: SeatStatus;
  updated_at: string;
}

/** A seat's change as the database functions write it (mark_seats' outcomes and NOTIFYs). */
export interface DatabaseSeatChange {
  id: number;
  old_status: SeatStatus;
  status: SeatStatus;
  /** e.g. `2026-12-01T17:14:36.35+00:00` */
  updated_at: string;
}

/** The database writes timestamps as `2026-12-01T17:14:36.35+00:00`; the wire has `toISOString()`. */
export function seatChanges(seats: DatabaseSeatChange[]): SeatChange[] {
  return seats.map((s) => ({ id: s.id, old_status: s.old_status, status: s.status, updated_at: new Date(s.updated_at).toISOString() }));
}

/** One committed change of a stream (a hall's own seat map, or a showing's): exactly one version. */
export interface CommittedChange {
  hall_id: number;
  /** null: the hall's own stream. */
  showing_id: number | null;
  version: number;
  seats: SeatChange[];
}

// Replies

/** A seat's new status in a reply or push: array elements carry ids (clients deep-merge by id). */
export const seatStatusChangeSchema = z.strictObject({ id, status: seatStatusOutSchema, updated_at: timestampSchema });

/** `version` is the version of the seat map that was written: the showing's, or the hall's own (`showing_id: null`). */
export const markSeatsReplySchema = z.strictObject({
  id,
  showing_id: id.nullable(),
  version: z.number().int().min(0),
  seats: z.array(seatStatusChangeSchema),
});
export type MarkSeatsReply = z.output<typeof markSeatsReplySchema>;

const historyEntrySchema = z.strictObject({
  version: z.number().int().positive(),
  seat_id: id,
  row: z.number().int().positive(),
  place: z.number().int().positive(),
  old_status: seatStatusOutSchema,
  new_status: seatStatusOutSchema,
  username: z.string().nullable(),
  at: timestampSchema,
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const hallHistoryReplySchema = z.strictObject({
  hall_id: id,
  showing_id: id.nullable(),
  events: z.array(historyEntrySchema),
  next_before_version: z.number().int().positive().nullable(),
});

export const seatTypeViewSchema = z.strictObject({ id, name: z.string(), color: z.string() });
export type SeatTypeView = z.output<typeof seatTypeViewSchema>;
