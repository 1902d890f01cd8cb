// API keys for machine clients (a cinema's box office or ticketing system): what they
// may do (scopes), where (cinemas), and how admins see them. The secret is shown once.
import { z } from 'zod';
import { idSchema as id, nameSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';

/** `read`: cinemas, halls, showings, seat maps, holds; `hold`: hold, confirm, release; `mark`: batch seat changes. */
export const API_SCOPES = ['read', 'hold', 'mark'] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const apiScopeSchema = z.enum(API_SCOPES);

/** Cinemas a key may be limited to, at most. */
export const API_KEY_MAX_CINEMAS = 100;

export const apiKeyCreateSchema = z.object({
  name: nameSchema(80),
  scopes: z
    .array(apiScopeSchema)
    .min(1)
    .max(API_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'a scope may appear once'),
  /** The cinemas the key may see and change; empty or absent: every cinema. */
  cinema_ids: z
    .array(id)
    .max(API_KEY_MAX_CINEMAS)
    .refine((ids) => new Set(ids).size === ids.length, 'a cinema may appear once')
    .default([]),
});
export type ApiKeyCreateInput = z.output<typeof apiKeyCreateSchema>;

export const apiKeyIdSchema = z.object({ id });

export const apiKeyViewSchema = z.strictObject({
  id,
  name: z.string(),
  /** The key's public part (`ssk_<prefix>_...`): how to tell keys apart without the secret. */
  prefix: z.string(),
  scopes: z.array(apiScopeSchema),
  /** Empty: every cinema. */
  cinema_ids: z.array(id),
  created_by: z.string(),
  created_at: timestampSchema,
  /** Updated at most once a minute per key. */
  last_used_at: timestampSchema.nullable(),
  revoked_at: timestampSchema.nullable(),
});
export type ApiKeyView = z.output<typeof apiKeyViewSchema>;

/** The only time the key itself is shown. */
export const createdApiKeySchema = apiKeyViewSchema.extend({ key: z.string() });
export type CreatedApiKey = z.output<typeof createdApiKeySchema>;

export const apiKeyListSchema = z.array(apiKeyViewSchema);

/** Who made a REST request: the key's row, once its secret matched. */
export interface ApiPrincipal {
  id: number;
  name: string;
  scopes: readonly ApiScope[];
  /** Empty: every cinema. */
  cinemaIds: readonly number[];
}

export function mayUseCinema(principal: ApiPrincipal, cinemaId: number): boolean {
  return principal.cinemaIds.length === 0 || principal.cinemaIds.includes(cinemaId);
}
