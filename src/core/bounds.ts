// The bounds of values the database stores, for every schema of client input: a value
// outside them must be refused as a ValidationError at the edge, never reach SQL (where
// an int4 overflow or a NUL byte is an error the server could only answer with a 500).
import { z } from 'zod';

/** The largest PostgreSQL `integer` (int4): ids, versions, counts. */
export const INT4_MAX = 2_147_483_647;

/** A row id: a positive int4. */
export const idSchema = z.int().positive().max(INT4_MAX);

/** A version or count stored as int4, from 0. */
export const int4Schema = z.int().min(0).max(INT4_MAX);

/**
 * A name the database stores: trimmed, 1 to `maxLength` characters, no NUL character
 * (PostgreSQL text cannot hold U+0000).
 */
export function nameSchema(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((value) => !value.includes('\u0000'), 'must not contain a NUL character');
}
