// Generated hostile input on every box-office REST route, with a key that has every
// scope: hostile path ids, query values, headers (Idempotency-Key, If-Match,
// If-None-Match) and bodies (each field mutated, broken JSON). Every answer is below 500
// and, when it is an error, problem details naming a code the route documents.
// Replay a failure with the seed (and path) it prints: FUZZ_SEED=<n> [FUZZ_PATH=<p>] npm test -- test/fuzz
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { COMMON_REST_ERRORS } from '../../src/core/http/route.js';
import { REST_ROUTES } from '../../src/handlers.js';
import { userWithRole } from '../support/auth.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';
import { fieldPaths, hostileValue, mutateAt, MUTATION_KINDS, plausible, type IdPool } from './schema-arbitraries.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FUZZ_PATH;
const RUNS = Number(process.env.FUZZ_REST_RUNS ?? 30);
const BATCH = 10;

describe('hostile input on the REST API', () => {
  let server: TestServer;
  let key: string;
  const pool: IdPool = { ids: [1, 2, 3] };

  before(async () => {
    server = await startTestServer({ env: { API_KEY_RATE_PER_SECOND: '100000', API_KEY_BURST: '100000', LOG_LEVEL: 'warn' } });
    const admin = await userWithRole(server.url, server.server.database.prisma, 'rest_fuzz', 'admin');
    const client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    key = (await client.call('api_key.create', { name: 'fuzz', scopes: ['read', 'hold', 'mark'] })).key;
    const cinemas = await client.call('cinemas.get_cinemas');
    const hall = await client.call('hall.get', { id: cinemas[0].halls[0].id });
    const at = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const showing = await client.call('showing.create', { hall_id: hall.id, title: 'Fuzzed', starts_at: at(1), ends_at: at(2) });
    pool.ids = [showing.id, hall.id, cinemas[0].id, ...hall.seats.slice(0, 5).map((s: { id: number }) => s.id)];
    await client.close();
  });
  after(() => server.close());

  it('answers every route fuzzed with a documented problem, never a 500', async () => {
    const hostileId = fc.oneof(fc.constantFrom(...pool.ids.map(String)), fc.constantFrom('0', '-1', '1.5', '99999999999', '2147483648', 'abc', '%00', '1e3', ' 1', ''), fc.string({ maxLength: 20 }).map(encodeURIComponent));
    const header = fc.option(fc.oneof(fc.constantFrom('"0"', '"1"', 'W/"1"', '*', '""', '"99999999999"', 'x'.repeat(300)), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })), { nil: undefined });
    const request = fc.constantFrom(...REST_ROUTES).chain((route) => {
      const bodySchema = route.body ? (z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) : { type: 'object' };
      const paths = fieldPaths(bodySchema);
      const body = fc.oneof(
        paths.length === 0
          ? fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))
          : fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...MUTATION_KINDS)).chain(([p, kind]) =>
              fc.tuple(plausible(bodySchema, pool), kind === 'missing' ? fc.constant(undefined) : hostileValue(kind === 'extra-field' ? 'wrong-type' : kind)).map(([base, value]) => JSON.stringify(mutateAt(base, p, kind, value))),
            ),
        plausible(bodySchema, pool).map((v) => JSON.stringify(v)),
        fc.constantFrom('', '{', 'null', '[]', 'x'.repeat(20_000)),
      );
      return fc.record({
        route: fc.constant(route),
        id: route.path.includes('{id}') && route.path.startsWith('/api/v1/holds') ? fc.oneof(fc.uuid(), hostileId) : hostileId,
        query: fc.dictionary(fc.constantFrom('cinema_id', 'hall_id', 'from', 'to', 'x'), fc.oneof(hostileId, fc.constantFrom('2026-12-01T00:00:00Z', 'yesterday')), { maxKeys: 3 }),
        body,
        idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })), { nil: undefined }),
        ifMatch: header,
        ifNoneMatch: header,
      });
    });
    const details = await fc.check(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (requests) => {
        for (const r of requests) {
          const path = r.route.path.replace('{id}', r.id) + (Object.keys(r.query).length ? `?${new URLSearchParams(r.query as Record<string, string>)}` : '');
          const headers: Record<string, string> = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
          const printable = (v: string | undefined) => v !== undefined && /^[\x20-\x7e]*$/.test(v);
          if (printable(r.idempotencyKey)) headers['Idempotency-Key'] = r.idempotencyKey!;
          if (printable(r.ifMatch)) headers['If-Match'] = r.ifMatch!;
          if (printable(r.ifNoneMatch)) headers['If-None-Match'] = r.ifNoneMatch!;
          const method = r.route.method.toUpperCase();
          const response = await fetch(`${server.url}${path}`, { method, headers, ...(method === 'GET' ? {} : { body: r.body }) });
          const text = await response.text();
          const what = `${method} ${path} ${JSON.stringify(headers)} ${r.body.slice(0, 200)}`;
          assert.ok(response.status < 500 || response.status === 503, `${what}: ${response.status} ${text.slice(0, 300)}`);
          if (response.status >= 400) {
            assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8', what);
            const problem = JSON.parse(text) as { code: string; status: number };
            const allowed = new Set([...r.route.errors, ...COMMON_REST_ERRORS, 'NotFound', 'UnsupportedMediaType']);
            assert.ok(allowed.has(problem.code as never), `${what}: undocumented ${problem.code}`);
            assert.equal(problem.status, response.status, what);
            if (response.status === 503) assert.match(text, /holds are not available/, what);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH } : {}), endOnFailure: true },
    );
    if (details.failed) {
      console.error(`fuzz rest failed; replay with: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} npm test -- test/fuzz`);
      throw details.errorInstance ?? new Error('fuzz rest failed');
    }
  });
});
