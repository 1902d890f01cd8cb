// The cinema module's wire contract: request schemas, and the reply and push shapes with
// the types derived from them (the pages use the same types).
import { z } from 'zod';
import { idSchema as id, nameSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';
import { statusCountsSchema } from '../seat/index.js';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1e88e5');
const name = nameSchema(80);

export const cinemaCreateSchema = z.object({ name, color });
export const cinemaUpdateSchema = z
  .object({ id, name: name.optional(), color: color.optional() })
  .refine((v) => v.name !== undefined || v.color !== undefined, 'give a name or a color');
export const cinemaIdSchema = z.object({ id });
export const cinemasUnsubscribeSchema = z.null().or(z.object({ sub_eid: z.string().min(1).max(128).optional() }));

const hallSummarySchema = z.strictObject({
  id,
  name: z.string(),
  rows: z.number().int().positive(),
  places: z.number().int().positive(),
  seats_count: statusCountsSchema,
});
export type HallSummary = z.output<typeof hallSummarySchema>;

export const cinemaViewSchema = z.strictObject({
  id,
  name: z.string(),
  color: z.string(),
  created_at: timestampSchema,
  halls: z.array(hallSummarySchema),
});
export type CinemaView = z.output<typeof cinemaViewSchema>;

export const cinemaListSchema = z.array(cinemaViewSchema);

/** A `cinemas.subscribe` update: only the halls whose counts changed, by id. */
export const cinemasUpdateSchema = z.array(
  z.strictObject({ id, halls: z.array(z.strictObject({ id, seats_count: statusCountsSchema })) }),
);
export type CinemasUpdate = z.output<typeof cinemasUpdateSchema>;

export const cinemaUpdatedSchema = z.strictObject({ id });
