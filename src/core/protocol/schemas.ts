// Wire pieces every module's contract uses: row ids, timestamps, and the replies of
// unsubscribe and delete.
import { z } from 'zod';
import { idSchema } from '../bounds.js';

/** A timestamp as the server writes it: `Date.prototype.toISOString()`. */
export const timestampSchema = z.iso.datetime();

/** Requests without parameters: `null` (what the reference client sends) or `{}`. */
export const noDataSchema = z.null().or(z.strictObject({}));

export const unsubscribedSchema = z.strictObject({ unsubscribed: z.number().int().positive() });

export const deletedSchema = z.strictObject({ id: idSchema, deleted: z.literal(true) });
