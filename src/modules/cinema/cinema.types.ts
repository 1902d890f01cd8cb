import { z } from 'zod';
import { idSchema as id, nameSchema } from '../../core/bounds.js';
import type { StatusCounts } from '../seat/index.js';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1e88e5');
const name = nameSchema(80);

export const cinemaCreateSchema = z.object({ name, color });
export const cinemaUpdateSchema = z
  .object({ id, name: name.optional(), color: color.optional() })
  .refine((v) => v.name !== undefined || v.color !== undefined, 'give a name or a color');
export const cinemaIdSchema = z.object({ id });
export const noDataSchema = z.null().or(z.object({}).strict());
export const cinemasUnsubscribeSchema = z.null().or(z.object({ sub_eid: z.string().min(1).max(128).optional() }));

export interface HallSummary {
  id: number;
  name: string;
  rows: number;
  places: number;
  seats_count: StatusCounts;
}

export interface CinemaView {
  id: number;
  name: string;
  color: string;
  created_at: string;
  halls: HallSummary[];
}

/** A `cinemas.subscribe` update: only the halls whose counts changed, by id. */
export type CinemasUpdate = { id: number; halls: { id: number; seats_count: StatusCounts }[] }[];
