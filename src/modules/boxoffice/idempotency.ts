// Idempotency-Key for every mutating REST call, kept in the database so every instance
// sees it: the first request with a key claims it (a row with the request's hash and an
// in-flight lease), runs, and stores its answer; a retry with the same key and the same
// request gets that answer again and changes nothing; the same key with another request
// is refused (IdempotencyKeyReused); a retry while the first still runs gets
// IdempotencyInProgress. If the server running it dies, the lease runs out and a retry
// takes the call over and runs it.
//
// The answer is stored right after the change commits, before the reply is written: a
// server killed after its reply left (or while writing it) has stored it, and the retry
// gets it. Only a death in the few milliseconds between the change's commit and this
// store leaves a claim without an answer; the retry then runs the call again, which for
// a batch of seat statuses changes nothing more (the seats are already in them; with
// If-Match it answers PreconditionFailed).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** Printable ASCII, 1 to 255 characters (a UUID is typical). */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces');

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; answer: StoredAnswer };

/** What makes two requests "the same": method, path, the body as parsed, and the If-Match precondition. */
export function requestHash(parts: { method: string; path: string; body: unknown; ifMatch?: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.method.toUpperCase(), parts.path, parts.body ?? null, parts.ifMatch ?? null]))
    .digest('hex');
}

export function createIdempotencyStore(prisma: PrismaClient, options: { leaseSeconds: number; keepHours: number }) {
  const lease = `${options.leaseSeconds} seconds`;
  return {
    /** Claims the key for this request, or returns the stored answer. Throws IdempotencyKeyReused or IdempotencyInProgress. */
    async claim(apiKeyId: number, key: string, hash: string): Promise<Claim> {
      const inserted = await prisma.$executeRaw`
        INSERT INTO idempotency_record (api_key_id, key, request_hash, locked_until)
        VALUES (${apiKeyId}, ${key}, ${hash}, now() + ${lease}::interval)
        ON CONFLICT (api_key_id, key) DO NOTHING`;
      if (inserted === 1) return { kind: 'claimed' };
      const [row] = await prisma.$queryRaw<{ request_hash: string; status: number | null; headers: Record<string, string> | null; body: unknown; expired: boolean }[]>`
        SELECT request_hash, status, headers, body, (locked_until IS NOT NULL AND locked_until <= now()) AS expired
        FROM idempotency_record WHERE api_key_id = ${apiKeyId} AND key = ${key}`;
      // Deleted by the clean-up between the two statements: claim again.
      if (!row) return this.claim(apiKeyId, key, hash);
      if (row.request_hash !== hash) {
        throw new AppError('IdempotencyKeyReused', 'this Idempotency-Key was used for another request; use a new key for a new request');
      }
      if (row.status !== null) return { kind: 'replay', answer: { status: row.status, headers: row.headers ?? {}, body: row.body } };
      if (row.expired) {
        // Its server died mid-call: take it over, unless another retry just did.
        const taken = await prisma.$executeRaw`
          UPDATE idempotency_record SET locked_until = now() + ${lease}::interval
          WHERE api_key_id = ${apiKeyId} AND key = ${key} AND status IS NULL AND locked_until <= now()`;
        if (taken === 1) return { kind: 'claimed' };
      }
      throw new AppError('IdempotencyInProgress', 'a request with this Idempotency-Key is still in progress', { retry_after: 1 });
    },

    async store(apiKeyId: number, key: string, answer: StoredAnswer): Promise<void> {
      await prisma.$executeRaw`
        UPDATE idempotency_record SET status = ${answer.status}, headers = ${JSON.stringify(answer.headers)}::jsonb,
          body = ${JSON.stringify(answer.body ?? null)}::jsonb, locked_until = NULL
        WHERE api_key_id = ${apiKeyId} AND key = ${key}`;
    },

    /** The call failed without an answer worth keeping (a server error): a retry may run it again. */
    async release(apiKeyId: number, key: string): Promise<void> {
      await prisma.$executeRaw`DELETE FROM idempotency_record WHERE api_key_id = ${apiKeyId} AND key = ${key} AND status IS NULL`;
    },

    /** Deletes answers older than the retention; any instance may run it (idempotent). */
    async cleanUp(): Promise<number> {
      return prisma.$executeRaw`DELETE FROM idempotency_record WHERE created_at < now() - ${`${options.keepHours} hours`}::interval`;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
