// API keys in the database (api_key). Only the SHA-256 of a key's secret is stored.
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAudit } from '../user/index.js';
import { keyPrefix } from './apikey.secret.js';
import type { ApiKeyView, ApiScope } from './apikey.types.js';

type Row = {
  id: number;
  public_id: string;
  secret_hash: Uint8Array;
  name: string;
  scopes: string[];
  cinema_ids: number[];
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

export interface ApiKeyRow extends ApiKeyView {
  secretHash: Uint8Array;
}

function toView(row: Row): ApiKeyRow {
  return {
    id: row.id,
    name: row.name,
    prefix: keyPrefix(row.public_id),
    scopes: row.scopes as ApiScope[],
    cinema_ids: row.cinema_ids,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    secretHash: row.secret_hash,
  };
}

export function publicKey({ secretHash: _hash, ...view }: ApiKeyRow): ApiKeyView {
  return view;
}

/** The audit trail names a key by id, name and public prefix (never its secret). */
function auditName(row: { id: number; name: string; public_id: string }): string {
  return `api key #${row.id} ${keyPrefix(row.public_id)} (${row.name})`;
}

function auditDetail(row: { scopes: string[]; cinema_ids: number[] }): string {
  return `scopes ${row.scopes.join(',')}; ${row.cinema_ids.length === 0 ? 'all cinemas' : `cinemas ${row.cinema_ids.join(',')}`}`;
}

export function createApiKeyModel(prisma: PrismaClient) {
  return {
    async create(input: { publicId: string; secretHash: Buffer; name: string; scopes: ApiScope[]; cinemaIds: number[]; createdBy: string }): Promise<ApiKeyRow> {
      // The audit row in the same transaction: no key exists that the trail does not name.
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.apiKey.create({
          data: {
            public_id: input.publicId,
            secret_hash: new Uint8Array(input.secretHash),
            name: input.name,
            scopes: input.scopes,
            cinema_ids: input.cinemaIds,
            created_by: input.createdBy,
          },
        });
        await recordAudit(tx, { action: 'api_key_created', username: auditName(created), actor: input.createdBy, detail: auditDetail(created) }, null);
        return created;
      });
      return toView(row);
    },
    async byPublicId(publicId: string): Promise<ApiKeyRow | null> {
      const row = await prisma.apiKey.findUnique({ where: { public_id: publicId } });
      return row ? toView(row) : null;
    },
    async list(): Promise<ApiKeyRow[]> {
      return (await prisma.apiKey.findMany({ orderBy: { id: 'asc' } })).map(toView);
    },
    /** Revokes once: a second revoke keeps the first time. Null when there is no such key. */
    async revoke(id: number, by: string): Promise<ApiKeyRow | null> {
      const row = await prisma.$transaction(async (tx) => {
        const revoked = await tx.$executeRaw`UPDATE api_key SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`;
        const current = await tx.apiKey.findUnique({ where: { id } });
        if (current && revoked === 1) await recordAudit(tx, { action: 'api_key_revoked', username: auditName(current), actor: by }, null);
        return current;
      });
      return row ? toView(row) : null;
    },
    /** Database clock; skipped when a minute has not passed (another instance may have written it). */
    async touch(id: number): Promise<void> {
      await prisma.$executeRaw`UPDATE api_key SET last_used_at = now() WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;
    },
    async missingCinemas(ids: number[]): Promise<number[]> {
      if (ids.length === 0) return [];
      const found = new Set((await prisma.cinema.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id));
      return ids.filter((id) => !found.has(id));
    },
  };
}

export type ApiKeyModel = ReturnType<typeof createApiKeyModel>;
