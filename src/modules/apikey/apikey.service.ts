// Creating, listing and revoking API keys, and recognising one on a request. A key is
// read from the database on every request (one primary-key lookup): there is no cache,
// so a revocation is refused by every instance from the next request on, with nothing
// to invalidate.
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { publicKey, type ApiKeyModel } from './apikey.model.js';
import { generateApiKey, parseApiKey, secretMatches } from './apikey.secret.js';
import type { ApiKeyCreateInput, ApiKeyView, ApiPrincipal, CreatedApiKey } from './apikey.types.js';
import { KeyRateLimiter } from './rate-limiter.js';

/** last_used_at is written at most this often per key by one instance (and by the SQL guard, overall). */
const TOUCH_EVERY_MS = 60_000;

export interface ApiKeyServiceDeps {
  model: ApiKeyModel;
  logger: Logger;
  rate: { ratePerSecond: number; burst: number };
  /** Milliseconds, for the rate limiter and the touch throttle; tests inject it. */
  now?: () => number;
}

export function createApiKeyService({ model, logger, rate, now = () => performance.now() }: ApiKeyServiceDeps) {
  const limiter = new KeyRateLimiter({ ...rate, now });
  const touchedAt = new Map<number, number>();

  /** Awaited (once a minute per key, so cheap): the admin who just saw a call sees it in the list. A failure costs only the timestamp. */
  async function touch(id: number): Promise<void> {
    const at = now();
    const last = touchedAt.get(id);
    if (last !== undefined && at - last < TOUCH_EVERY_MS) return;
    touchedAt.set(id, at);
    await model.touch(id).catch((error: unknown) => logger.warn('api key last_used_at not written', { key: id, error: error instanceof Error ? error.message : String(error) }));
  }

  return {
    async create(input: ApiKeyCreateInput, createdBy: string): Promise<CreatedApiKey> {
      const missing = await model.missingCinemas(input.cinema_ids);
      if (missing.length > 0) throw new AppError('CinemaNotFound', `no cinema ${missing.join(', ')}`, { cinema_ids: missing });
      const fresh = generateApiKey();
      const row = await model.create({
        publicId: fresh.publicId,
        secretHash: fresh.secretHash,
        name: input.name,
        scopes: input.scopes,
        cinemaIds: [...input.cinema_ids].sort((a, b) => a - b),
        createdBy,
      });
      logger.info('api key created', { key: row.id, prefix: row.prefix, by: createdBy });
      return { ...publicKey(row), key: fresh.key };
    },

    async list(): Promise<ApiKeyView[]> {
      return (await model.list()).map(publicKey);
    },

    async revoke(id: number, by: string): Promise<ApiKeyView> {
      const row = await model.revoke(id, by);
      if (!row) throw new AppError('ApiKeyNotFound', `no API key ${id}`);
      logger.info('api key revoked', { key: id, by });
      return publicKey(row);
    },

    /**
     * The principal of an `Authorization` header's bearer key: Unauthorized when there is
     * none, or it is malformed, unknown, wrong or revoked (one answer for all: nothing to
     * probe); RateLimitExceeded (details.retry_after, seconds) past the key's bucket.
     */
    async authenticate(authorization: string | undefined): Promise<ApiPrincipal> {
      const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const parts = match ? parseApiKey(match[1]!) : null;
      if (!parts) throw new AppError('Unauthorized', 'send an API key as `Authorization: Bearer ssk_...`');
      const row = await model.byPublicId(parts.publicId);
      if (!row || !secretMatches(parts.secret, row.secretHash) || row.revoked_at !== null) {
        throw new AppError('Unauthorized', 'the API key is unknown or revoked');
      }
      const waitMs = limiter.take(row.id);
      if (waitMs > 0) throw new AppError('RateLimitExceeded', 'too many requests for this API key', { retry_after: Math.ceil(waitMs / 1000) });
      await touch(row.id);
      return { id: row.id, name: row.name, scopes: row.scopes, cinemaIds: row.cinema_ids };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
