// Webhook endpoints and their delivery log in the database. The signing secret is sealed
// with TOTP_ENCRYPTION_KEY (owner "webhook:<id>") and opened only to sign.
import { openSecret, sealSecret } from '../../core/secret-box.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Delivery, Webhook } from './webhook.types.js';

export interface EndpointRow extends Webhook {
  /** Sealed; open with `secretOf`. */
  sealed_secret: string;
}

type Row = {
  id: number;
  url: string;
  secret: string;
  events: string[];
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_by: string;
  created_at: Date;
};

function toEndpoint(row: Row): EndpointRow {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    sealed_secret: row.secret,
  };
}

export function publicEndpoint({ sealed_secret: _secret, ...endpoint }: EndpointRow): Webhook {
  return endpoint;
}

const owner = (id: number) => `webhook:${id}`;

export function createWebhookModel(prisma: PrismaClient, key: Buffer) {
  return {
    async create(input: { url: string; events: string[]; description: string; secret: string; createdBy: string }): Promise<EndpointRow> {
      // The id is the sealing's associated data, so the row exists before its secret does.
      return prisma.$transaction(async (tx) => {
        const row = await tx.webhookEndpoint.create({ data: { url: input.url, events: input.events, description: input.description, secret: '', created_by: input.createdBy } });
        return toEndpoint(await tx.webhookEndpoint.update({ where: { id: row.id }, data: { secret: sealSecret(key, owner(row.id), input.secret) } }));
      });
    },
    async find(id: number): Promise<EndpointRow | null> {
      const row = await prisma.webhookEndpoint.findUnique({ where: { id } });
      return row ? toEndpoint(row) : null;
    },
    async list(): Promise<EndpointRow[]> {
      return (await prisma.webhookEndpoint.findMany({ orderBy: { id: 'asc' } })).map(toEndpoint);
    },
    async listEnabled(): Promise<EndpointRow[]> {
      return (await prisma.webhookEndpoint.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } })).map(toEndpoint);
    },
    async update(id: number, changes: { url?: string; events?: string[]; description?: string; enabled?: boolean }): Promise<EndpointRow | null> {
      const result = await prisma.webhookEndpoint.updateManyAndReturn({
        where: { id },
        data: {
          ...changes,
          // Enabled again (or paused) by an admin: the server's reason and failure run no longer apply.
          ...(changes.enabled !== undefined ? { disabled_reason: null, failing_since: null } : {}),
        },
      });
      return result[0] ? toEndpoint(result[0]) : null;
    },
    async remove(id: number): Promise<boolean> {
      return (await prisma.webhookEndpoint.deleteMany({ where: { id } })).count > 0;
    },
    secretOf(endpoint: EndpointRow): string {
      return openSecret(key, owner(endpoint.id), endpoint.sealed_secret);
    },
    /** The first failure of a run (only when none is recorded yet). */
    async markFailing(id: number, since: Date): Promise<void> {
      await prisma.webhookEndpoint.updateMany({ where: { id, failing_since: null }, data: { failing_since: since } });
    },
    async markHealthy(id: number): Promise<void> {
      await prisma.webhookEndpoint.updateMany({ where: { id, failing_since: { not: null } }, data: { failing_since: null } });
    },
    async disable(id: number, reason: string): Promise<void> {
      await prisma.webhookEndpoint.updateMany({ where: { id, enabled: true }, data: { enabled: false, disabled_reason: reason } });
    },
    /** Appends an attempt and drops the oldest past `keep`. */
    async logDelivery(id: number, delivery: Omit<Delivery, 'created_at'>, keep: number): Promise<void> {
      await prisma.webhookDelivery.create({ data: { endpoint_id: id, ...delivery } });
      const cutoff = await prisma.webhookDelivery.findMany({ where: { endpoint_id: id }, orderBy: { id: 'desc' }, skip: keep, take: 1, select: { id: true } });
      if (cutoff[0]) await prisma.webhookDelivery.deleteMany({ where: { endpoint_id: id, id: { lte: cutoff[0].id } } });
    },
    async deliveries(id: number, limit: number): Promise<Delivery[]> {
      const rows = await prisma.webhookDelivery.findMany({ where: { endpoint_id: id }, orderBy: { id: 'desc' }, take: limit });
      return rows.map((row) => ({
        message_id: row.message_id,
        stream: row.stream,
        version: row.version,
        ok: row.ok,
        status_code: row.status_code,
        error: row.error,
        duration_ms: row.duration_ms,
        created_at: row.created_at.toISOString(),
      }));
    },
  };
}

export type WebhookModel = ReturnType<typeof createWebhookModel>;
