// The hall module's wire contract: request schemas, and the reply and push shapes with
// the types derived from them (the pages use the same types).
import { z } from 'zod';
import { idSchema as id, int4Schema, nameSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';
import { seatStatusChangeSchema, seatStatusOutSchema, seatTypeViewSchema, statusCountsSchema } from '../seat/index.js';

export const hallIdSchema = z.object({ id });
/**
 * `epoch` with `since_version`: resume only within that database history, else a snapshot.
 * `showing_id`: the seat map the version belongs to (the snapshot's `showing.id`, null for
 * the hall's own); a resume of another map than the hall's current one gets a snapshot.
 */
export const hallSubscribeSchema = z.object({
  id,
  since_version: int4Schema.optional(),
  epoch: z.string().min(1).max(64).optional(),
  showing_id: id.nullable().optional(),
});
/** By hall id, or by the subscribe request's eid (the reference client's `sub_eid`). */
export const hallUnsubscribeSchema = z.union([z.object({ id }), z.object({ sub_eid: z.string().min(1).max(128) })]);
export const hallNameSchema = nameSchema(80);
export const hallRenameSchema = z.object({ id, name: hallNameSchema });

const seatGeometry = {
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
  rotation: z.number(),
};

const seatViewSchema = z.strictObject({
  id,
  row: z.number().int().positive(),
  place: z.number().int().positive(),
  ...seatGeometry,
  status: seatStatusOutSchema,
  updated_at: timestampSchema,
  seat_type: seatTypeViewSchema,
});
export type SeatView = z.output<typeof seatViewSchema>;

const seatTypeCountsSchema = z.strictObject({
  ...seatTypeViewSchema.shape,
  seats_count: z.number().int().min(0),
  seats: statusCountsSchema,
});
export type SeatTypeCountsView = z.output<typeof seatTypeCountsSchema>;

export const SHOWING_STATUSES = ['scheduled', 'cancelled'] as const;
/** The showing a seat map belongs to. */
export const showingSummarySchema = z.strictObject({
  id,
  hall_id: id,
  title: z.string(),
  starts_at: timestampSchema,
  ends_at: timestampSchema,
  status: z.enum(SHOWING_STATUSES),
});
export type ShowingSummary = z.output<typeof showingSummarySchema>;

/** The `hall.get` / snapshot shape: one seat map of the hall (its own, or a showing's). */
export const hallViewSchema = z.strictObject({
  id,
  cinema_id: id,
  cinema_name: z.string(),
  name: z.string(),
  rows: z.number().int().positive(),
  places: z.number().int().positive(),
  /** The version of this seat map (the showing's, or the hall's own). */
  version: z.number().int().min(0),
  /** The database's epoch: send it back with since_version to resume. */
  epoch: z.string(),
  /** The showing this seat map belongs to; null for the hall's own. */
  showing: showingSummarySchema.nullable(),
  seats: z.array(seatViewSchema),
  seat_types: z.array(seatTypeCountsSchema),
});
export type HallView = z.output<typeof hallViewSchema>;

/** One `update` push: one committed version. Array elements carry ids (clients deep-merge by id). */
export const hallUpdateSchema = z.strictObject({
  id,
  showing_id: id.nullable(),
  version: z.number().int().positive(),
  seats: z.array(seatStatusChangeSchema),
  seat_types: z.array(z.strictObject({ id, seats: statusCountsSchema })),
});
export type HallUpdate = z.output<typeof hallUpdateSchema>;

/** The reply to a subscribe that resumes: the missed versions follow as `update` pushes. */
export const hallResumedSchema = z.strictObject({ id, showing_id: id.nullable(), version: z.number().int().min(0), resumed: z.literal(true) });

/** A `snapshot` push: the hall moved to another seat map (`rollover`: its showing began or ended) or was edited (`changed`). */
export const hallSnapshotPushSchema = hallViewSchema.extend({ reason: z.enum(['rollover', 'changed']) });

export const hallRenamedSchema = z.strictObject({ id, name: z.string() });

const layoutSeatSchema = z.strictObject({
  row: z.number().int().positive(),
  place: z.number().int().positive(),
  ...seatGeometry,
  seat_type_id: id,
});
export const layoutPreviewSchema = z.strictObject({
  rows: z.number().int().positive(),
  places: z.number().int().positive(),
  seats: z.array(layoutSeatSchema),
});

/** One seat map as loaded: the hall, and the showing when it is a showing's. */
export interface HallRow {
  id: number;
  cinema_id: number;
  cinema_name: string;
  name: string;
  rows: number;
  places: number;
  version: number;
  showing: ShowingSummary | null;
  seats: (Omit<SeatView, 'seat_type'> & { seat_type_id: number })[];
  seat_types: { id: number; name: string; color: string }[];
}
