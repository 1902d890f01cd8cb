// The webhook admin messages' wire contract (socket, admins only).
import { z } from 'zod';
import { idSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';
import { OUTBOUND_EVENT_TYPES } from './stream-source.js';
import { secretKey } from './webhook-signature.js';

const urlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => !value.includes('\u0000'), 'must not contain a NUL character');
const eventsSchema = z.array(z.enum(OUTBOUND_EVENT_TYPES)).min(1).max(OUTBOUND_EVENT_TYPES.length);
const descriptionSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => !value.includes('\u0000'), 'must not contain a NUL character');

export const createWebhookData = z.strictObject({
  url: urlSchema,
  events: eventsSchema,
  description: descriptionSchema.optional(),
  /** Optional: the server makes one when absent. */
  secret: z
    .string()
    .max(200)
    .refine((value) => secretKey(value) !== null, 'must be whsec_ followed by 24 to 64 bytes in base64')
    .optional(),
});
export const updateWebhookData = z.strictObject({
  id: idSchema,
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  description: descriptionSchema.optional(),
  /** true re-enables a disabled endpoint (and forgets its failures); false pauses it. */
  enabled: z.boolean().optional(),
});
export const webhookIdData = z.strictObject({ id: idSchema });
export const deliveriesData = z.strictObject({ id: idSchema, limit: z.int().min(1).max(1000).optional() });

export const webhookSchema = z.strictObject({
  id: idSchema,
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  enabled: z.boolean(),
  /** Why the server disabled it (null when enabled, or paused by an admin). */
  disabled_reason: z.string().nullable(),
  /** Start of the current run of failed deliveries; null after a success. */
  failing_since: timestampSchema.nullable(),
  created_by: z.string(),
  created_at: timestampSchema,
});
export type Webhook = z.output<typeof webhookSchema>;

export const createdWebhookSchema = z.strictObject({
  endpoint: webhookSchema,
  /** The signing secret: shown this once, never again. */
  secret: z.string(),
});
export const webhookListSchema = z.strictObject({ endpoints: z.array(webhookSchema) });

export const deliverySchema = z.strictObject({
  message_id: z.string(),
  stream: z.string(),
  version: z.int(),
  ok: z.boolean(),
  status_code: z.int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.int(),
  created_at: timestampSchema,
});
export type Delivery = z.output<typeof deliverySchema>;
export const deliveriesSchema = z.strictObject({ deliveries: z.array(deliverySchema) });
