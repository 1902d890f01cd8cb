import { z } from 'zod';
import { idSchema as id, int4Schema, nameSchema } from '../../core/bounds.js';
import type { SeatStatus, StatusCounts } from '../seat/index.js';

export const hallIdSchema = z.object({ id });
export const hallSubscribeSchema = z.object({ id, since_version: int4Schema.optional() });
/** By hall id, or by the subscribe request's eid (the reference client's `sub_eid`). */
export const hallUnsubscribeSchema = z.union([z.object({ id }), z.object({ sub_eid: z.string().min(1).max(128) })]);
export const hallNameSchema = nameSchema(80);
export const hallRenameSchema = z.object({ id, name: hallNameSchema });

export interface SeatView {
  id: number;
  row: number;
  place: number;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation: number;
  status: SeatStatus;
  updated_at: string;
  seat_type: { id: number; name: string; color: string };
}

export interface SeatTypeCountsView {
  id: number;
  name: string;
  color: string;
  seats_count: number;
  seats: StatusCounts;
}

/** The `hall.get` / snapshot shape. */
export interface HallView {
  id: number;
  cinema_id: number;
  cinema_name: string;
  name: string;
  rows: number;
  places: number;
  version: number;
  seats: SeatView[];
  seat_types: SeatTypeCountsView[];
}

/** One `update` push: one committed version. Array elements carry ids (clients deep-merge by id). */
export interface HallUpdate {
  id: number;
  version: number;
  seats: { id: number; status: SeatStatus; updated_at: string }[];
  seat_types: { id: number; seats: StatusCounts }[];
}

export interface HallRow {
  id: number;
  cinema_id: number;
  cinema_name: string;
  name: string;
  rows: number;
  places: number;
  version: number;
  seats: (Omit<SeatView, 'seat_type'> & { seat_type_id: number })[];
  seat_types: { id: number; name: string; color: string }[];
}
