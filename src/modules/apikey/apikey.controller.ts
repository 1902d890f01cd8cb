// Socket messages for admins to manage API keys (the staff console's "API keys" card).
import { z } from 'zod';
import { defineMessage, handleMessage, type MessageHandler } from '../../core/protocol/handler.js';
import { noDataSchema } from '../../core/protocol/schemas.js';
import type { ApiKeyService } from './apikey.service.js';
import { apiKeyCreateSchema, apiKeyIdSchema, apiKeyViewSchema, createdApiKeySchema } from './apikey.types.js';

export const apiKeyMessages = {
  create: defineMessage({
    type: 'api_key.create',
    description:
      'Creates an API key for a box office or ticketing system: `{name, scopes: ["read" | "hold" | "mark"], cinema_ids?}` (no cinema_ids: every cinema). The reply carries `key` (`ssk_...`, sent as `Authorization: Bearer <key>` to /api/v1): the only time it is shown; only its SHA-256 is stored.',
    access: 'admin',
    data: apiKeyCreateSchema,
    reply: createdApiKeySchema,
    errors: ['CinemaNotFound'],
  }),
  list: defineMessage({
    type: 'api_key.list',
    description: 'Every API key (revoked ones too) with its scopes, cinemas, creator and `last_used_at` (updated at most once a minute); never the key itself.',
    access: 'admin',
    data: noDataSchema,
    reply: z.strictObject({ keys: z.array(apiKeyViewSchema) }),
    errors: [],
  }),
  revoke: defineMessage({
    type: 'api_key.revoke',
    description: 'Revokes an API key: every instance refuses it from its next request on (Unauthorized). Revoking a revoked key changes nothing.',
    access: 'admin',
    data: apiKeyIdSchema,
    reply: apiKeyViewSchema,
    errors: ['ApiKeyNotFound'],
  }),
} as const;

export function createApiKeyHandlers(service: ApiKeyService): MessageHandler[] {
  const m = apiKeyMessages;
  return [
    handleMessage(m.create, ({ session }, data) => service.create(data, session!.username)),
    handleMessage(m.list, async () => ({ keys: await service.list() })),
    handleMessage(m.revoke, ({ session }, data) => service.revoke(data.id, session!.username)),
  ];
}
