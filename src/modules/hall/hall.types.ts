import { z } from 'zod';
import type { SeatStatus, StatusCounts } from '../seat/index.js';

const id = z.number().int().positive().max(2_147_483_647);

export const hallIdSchema = z.object({ id });
export const hallSubscribeSchema = z.object({ id, since_version: z.number().int().min(0).optional() });
/** By hall id, or by the subscribe request's eid (the reference client's `sub_eid`). */
export const hallUnsubscribeSchema = z.union([z.object({ id }), z.object({ sub_eid: z.string().min(1).max(128) })]);
export const hallRenameSchema = z.object({ id, name: z.string().trim().min(1).max(80) });

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
