// Generated hostile input over real sockets: every message type the server documents
// (taken from the handler list, so new ones are covered without touching this file), every
// field of each with wrong types, out-of-bound numbers, hostile text and structure, broken
// envelopes, and malformed HTTP on every route. Every frame must get exactly one reply of
// the documented shape with a documented error, never InternalServerError; the process
// must not crash; a bystander's subscription must stay gap-free and an innocent writer's
// changes must all succeed meanwhile.
//
// Replay a failure with the seed (and path) it prints: FUZZ_SEED=<n> [FUZZ_PATH=<p>] npm test -- fuzz
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { ERROR_CODES } from '../../src/core/errors.js';
import { ENVELOPE_ERRORS } from '../../src/core/protocol/asyncapi.js';
import { MESSAGES, ROUTES } from '../../src/handlers.js';
import { userWithRole } from '../support/auth.js';
import { flipped, type HallSnapshot } from '../support/halls.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TestClient, type Frame } from '../support/ws-client.js';
import { fieldPaths, hostileValue, mutateAt, MUTATION_KINDS, plausible, type FieldPath, type IdPool, type MutationKind } from './schema-arbitraries.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FUZZ_PATH;
/** Frames per run: 8,000 message fields, 2,000 broken envelopes, and 1,200 HTTP requests. */
const FIELD_BATCH = 100;
const FIELD_RUNS = Number(process.env.FUZZ_FIELD_RUNS ?? 80);
const ENVELOPE_BATCH = 50;
const ENVELOPE_RUNS = Number(process.env.FUZZ_ENVELOPE_RUNS ?? 40);
const HTTP_BATCH = 30;
const HTTP_RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 40);

const handlers = MESSAGES;
const handlerTypes: ReadonlySet<string> = new Set<string>(handlers.map((h) => h.type));
const REPLY_KEYS = ['data', 'eid', 'error', 'status', 'ts', 'type'];

function fuzzOptions(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, ...(PATH ? { path: PATH } : {}), endOnFailure: true };
}

/** Runs a property; on failure, prints how to replay it before failing the test. */
async function check<T>(name: string, property: fc.IAsyncPropertyWithHooks<T>, numRuns: number): Promise<void> {
  const details = await fc.check(property, fuzzOptions(numRuns));
  if (details.failed) {
    const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} npm test -- test/fuzz`;
    console.error(`fuzz ${name} failed; replay with: ${replay}\ncounterexample: ${JSON.stringify(details.counterexample)?.slice(0, 2_000)}`);
    throw details.errorInstance ?? new Error(`fuzz ${name} failed (${replay})`);
  }
}

/**
 * A request and its reply, by eid. A reply that never comes fails the run; the wait is
 * long because it detects a lost reply, not slowness (a batch of a hundred, many of them
 * writes, on a loaded machine).
 */
function ask(client: TestClient, type: string, data: unknown): Promise<Frame> {
  const eid = randomUUID();
  const reply = client.waitFor((f) => f.eid === eid && f.status !== 'update', `reply to ${type}`, 60_000);
  client.sendRaw(JSON.stringify({ type, data, eid }));
  return reply;
}

function assertDocumentedReply(frame: Frame, allowed: ReadonlySet<string>, what: string): void {
  assert.deepEqual(Object.keys(frame).sort(), REPLY_KEYS, `${what}: reply keys`);
  assert.equal(typeof frame.ts, 'number', `${what}: ts`);
  assert.ok(['success', 'error', 'snapshot'].includes(frame.status), `${what}: status ${frame.status}`);
  if (frame.status === 'error') {
    assert.notEqual(frame.error, 'InternalServerError', `${what}: InternalServerError ${JSON.stringify(frame.data)}`);
    assert.ok(allowed.has(frame.error!), `${what}: undocumented error ${frame.error} ${JSON.stringify(frame.data).slice(0, 300)}`);
    assert.equal(typeof frame.data?.message, 'string', `${what}: error without a message`);
  } else {
    assert.equal(frame.error, null, `${what}: error on success`);
  }
}

describe(`hostile input (FUZZ_SEED=${SEED})`, () => {
  let server: TestServer;
  let admin: TestClient;
  let writer: TestClient;
  let bystander: TestClient;
  let envelopes: TestClient;
  let watched: HallSnapshot;
  let pool: IdPool;
  let protectedIds: Set<number>;
  let writes = 0;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);

  before(async () => {
    process.on('uncaughtException', record);
    // The fuzzer sends as fast as it can; the rate limit has tests of its own.
    server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: '1000000', LOG_LEVEL: 'warn' } });
    const { prisma } = server.server.database;
    admin = await TestClient.connect(server.wsUrl, { cookie: (await userWithRole(server.url, prisma, 'fuzzadmin', 'admin')).cookie });
    writer = await TestClient.connect(server.wsUrl, { cookie: (await userWithRole(server.url, prisma, 'fuzzwriter', 'staff')).cookie });
    bystander = await TestClient.connect(server.wsUrl);
    envelopes = await TestClient.connect(server.wsUrl);

    // The bystander watches a demo hall the fuzzer never names; the fuzzer works on its own.
    const cinemas = await admin.call('cinemas.get_cinemas');
    watched = await admin.call('hall.get', { id: cinemas[0].halls[0].id });
    protectedIds = new Set([watched.id, cinemas[0].id]);
    const fuzzCinema = await admin.call('cinema.create', { name: 'Fuzz', color: '#101010' });
    const fuzzType = await admin.call('seat_type.create', { name: 'Fuzz seat', color: '#202020' });
    const fuzzHall = await admin.call('hall.create', { cinema_id: fuzzCinema.id, name: 'Fuzz hall', layout: { rows: 3, places: 4, seat_type_id: fuzzType.id } });
    pool = { ids: [fuzzCinema.id, fuzzType.id, fuzzHall.id, ...fuzzHall.seats.slice(0, 6).map((s: { id: number }) => s.id)] };
    await bystander.call('hall.subscribe', { id: watched.id }, 'bystander');
  });
  after(async () => {
    process.off('uncaughtException', record);
    for (const client of [admin, writer, bystander, envelopes]) await client?.close();
    await server?.close();
  });

  /** One innocent change on the watched hall; it must succeed whatever the fuzzer sends. */
  async function innocentWrite(): Promise<void> {
    const seat = watched.seats[writes++ % watched.seats.length]!;
    seat.status = flipped(seat.status);
    const reply = await writer.request('hall.update_seat_status', { hall_id: watched.id, seat_id: seat.id, status: seat.status });
    assert.equal(reply.status, 'success', `an innocent write failed: ${reply.error} ${JSON.stringify(reply.data)}`);
  }

  /** Names no protected row under an id-like key (the bystander's hall and cinema stay as they are). */
  function spares(value: unknown): boolean {
    if (Array.isArray(value)) return value.every(spares);
    if (typeof value !== 'object' || value === null) return true;
    return Object.entries(value).every(([key, v]) => !(/(^|_)id$/.test(key) && protectedIds.has(v as number)) && spares(v));
  }

  it('answers every message field fuzzed with a documented reply', async () => {
    const targets = handlers.flatMap((handler) => {
      const schema = z.toJSONSchema(handler.data, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      const paths: (FieldPath | null)[] = [null, ...fieldPaths(schema)]; // null: the whole `data`
      return paths.map((path) => ({ handler, schema, path }));
    });
    const covered = new Set<string>();
    const frame = fc
      .constantFrom(...targets)
      .chain(({ handler, schema, path }) =>
        fc.record({
          type: fc.constant(handler.type),
          target: fc.constant(`${handler.type}:${path?.join('.') ?? '(data)'}`),
          data:
            path === null
              ? fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileValue('structure'), hostileValue('text'))
              : fc.constantFrom(...MUTATION_KINDS).chain((kind: MutationKind) =>
                  fc
                    .tuple(plausible(schema, pool), kind === 'missing' ? fc.constant(undefined) : hostileValue(kind === 'extra-field' ? 'wrong-type' : kind))
                    .map(([base, value]) => mutateAt(base, path, kind, value)),
                ),
        }),
      )
      .filter((f) => spares(f.data) && JSON.stringify(f.data).length < 60_000);
    // Not UnknownMessageType: every documented type must be one the running server answers.
    const envelopeErrors = ENVELOPE_ERRORS.filter((code) => code !== 'UnknownMessageType');
    const allowedFor = new Map(handlers.map((h) => [h.type, new Set<string>([...h.errors, ...envelopeErrors, 'Unauthorized', 'Forbidden'])]));

    await check(
      'message fields',
      fc.asyncProperty(fc.array(frame, { minLength: FIELD_BATCH, maxLength: FIELD_BATCH }), async (frames) => {
        const replies = Promise.all(frames.map((f) => ask(admin, f.type, f.data)));
        await innocentWrite();
        for (const [i, reply] of (await replies).entries()) {
          covered.add(frames[i]!.target);
          assertDocumentedReply(reply, allowedFor.get(frames[i]!.type)!, `${frames[i]!.type} ${JSON.stringify(frames[i]!.data)?.slice(0, 300)}`);
        }
      }),
      FIELD_RUNS,
    );
    if (FIELD_RUNS * FIELD_BATCH >= 8_000) {
      const missed = targets.map((t) => `${t.handler.type}:${t.path?.join('.') ?? '(data)'}`).filter((t) => !covered.has(t));
      assert.deepEqual(missed, [], 'fields never fuzzed');
    }
  });

  it('answers every broken envelope with one documented error, never echoing what is invalid', async () => {
    const unknownType = fc.string({ minLength: 1, maxLength: 80 }).filter((t) => !handlerTypes.has(t));
    const badEid = fc.oneof(fc.constant(''), fc.string({ minLength: 129, maxLength: 2_000 }), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string()));
    const frameText = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 100, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
      fc.record({ type: fc.oneof(unknownType, fc.string({ minLength: 65, maxLength: 20_000 }), fc.integer(), fc.constant(null)), eid: fc.string({ minLength: 1, maxLength: 10 }), data: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
      fc.record({ type: fc.constantFrom(...handlerTypes), eid: badEid, data: fc.constant(null) }).map((v) => JSON.stringify(v)),
      fc.record({ type: fc.constantFrom(...handlerTypes), eid: fc.string({ minLength: 1, maxLength: 10 }), ts: fc.oneof(fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.integer())) }).map((v) => JSON.stringify(v)),
      fc.record({ type: fc.constantFrom(...handlerTypes), eid: fc.string({ minLength: 1, maxLength: 10 }) }).map((v) => JSON.stringify(v).slice(0, -1)),
    );
    const allowed = new Set(['InvalidJson', 'ValidationError', 'UnknownMessageType']);
    await check(
      'envelopes',
      fc.asyncProperty(fc.array(frameText, { minLength: ENVELOPE_BATCH, maxLength: ENVELOPE_BATCH }), async (texts) => {
        for (const text of texts) {
          // Broken envelopes are answered at once, in order: the next frame is the reply.
          const before = envelopes.frames.length;
          const reply = envelopes.waitFor((f) => envelopes.frames.indexOf(f) >= before, 'envelope reply');
          envelopes.sendRaw(text);
          const frame = await reply;
          const what = `envelope ${JSON.stringify(text.slice(0, 200))}`;
          assertDocumentedReply(frame, allowed, what);
          assert.equal(frame.status, 'error', what);
          assert.ok(frame.type === 'error' || (handlerTypes.has(frame.type) || frame.type.length <= 64), `${what}: echoed a type of ${frame.type.length} characters`);
          assert.ok(frame.eid.length <= 128, `${what}: echoed an eid of ${frame.eid.length} characters`);
        }
        await innocentWrite();
      }),
      ENVELOPE_RUNS,
    );
  });

  it('answers malformed HTTP on every route with a documented error, never a 500', async () => {
    const endpoints = ROUTES;
    const routes = [...endpoints.map((e) => e.path), '/health', '/ready', '/display', '/staff', `/display/halls/${watched.id}`, '/api/user/nope', '/api/nope', '/ws', '/%2e%2e/%2e%2e/etc/passwd', '/display/halls/99999999999999999999'];
    const generic = ['NotFound', 'ValidationError', 'MessageTooLarge', 'UnsupportedMediaType', 'OriginNotAllowed', 'Unauthorized', 'InvalidCode', 'TooManyLoginAttempts', 'ServiceUnavailable'];
    const allowedFor = new Map(endpoints.map((e) => [e.path, new Set<string>([...e.errors, ...generic])]));
    const bodyFor = (path: string) => {
      const endpoint = endpoints.find((e) => e.path === path);
      if (!endpoint) return fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));
      const schema = z.toJSONSchema(endpoint.body, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      const paths = fieldPaths(schema);
      const mutated = paths.length === 0
        ? fc.jsonValue({ maxDepth: 2 })
        : fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...MUTATION_KINDS)).chain(([p, kind]) =>
            fc.tuple(plausible(schema, pool), kind === 'missing' ? fc.constant(undefined) : hostileValue(kind === 'extra-field' ? 'wrong-type' : kind)).map(([base, value]) => mutateAt(base, p, kind, value)),
          );
      return fc.oneof(
        mutated.map((v) => JSON.stringify(v)),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('', '{', '{"username":', 'null', '[]', '"x"', '{"username":"a\\u0000b"}', 'x'.repeat(20_000)),
      );
    };
    const request = fc.constantFrom(...routes).chain((path) =>
      fc.record({
        path: fc.constant(path),
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        body: bodyFor(path),
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=nope', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; boundary', '', '\u00ff/\u00ff'),
        contentEncoding: fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-hostile', 'gzip, gzip'),
        cookie: fc.constantFrom(undefined, undefined, 'seats_session=', 'seats_session=not.a.jwt', 'seats_session=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', `seats_session=${'x'.repeat(4_000)}`, 'seats_registration=%ZZ', '=;=;;'),
        origin: fc.constantFrom(undefined, undefined, undefined, 'http://evil.example', 'null'),
      }),
    );
    await check(
      'http',
      fc.asyncProperty(fc.array(request, { minLength: HTTP_BATCH, maxLength: HTTP_BATCH }), async (requests) => {
        await Promise.all(
          requests.map(async (r) => {
            const headers: Record<string, string> = {};
            if (r.contentType) headers['content-type'] = r.contentType;
            if (r.contentEncoding) headers['content-encoding'] = r.contentEncoding;
            if (r.cookie) headers.cookie = r.cookie;
            if (r.origin) headers.origin = r.origin;
            const withBody = r.method !== 'GET' && r.method !== 'HEAD';
            const response = await fetch(`${server.url}${r.path}`, { method: r.method, headers, ...(withBody ? { body: r.body } : {}) });
            const text = await response.text();
            const what = `${r.method} ${r.path} ${JSON.stringify(headers)} ${JSON.stringify(r.body.slice(0, 200))}`;
            assert.ok(response.status < 500, `${what}: ${response.status} ${text.slice(0, 200)}`);
            if (r.path.startsWith('/api/') && r.method !== 'HEAD' && response.headers.get('content-type')?.includes('json')) {
              const body = JSON.parse(text) as { data: unknown; status: string; error: string | null };
              assert.deepEqual(Object.keys(body).sort(), ['data', 'error', 'status'], what);
              if (body.status === 'error') {
                const allowed = allowedFor.get(r.path) ?? new Set(generic);
                assert.ok(allowed.has(body.error!) && body.error! in ERROR_CODES, `${what}: undocumented error ${body.error}`);
              }
            }
          }),
        );
        await innocentWrite();
      }),
      HTTP_RUNS,
    );

    // Requests no HTTP client would write: the parser refuses them, the server lives on.
    const raw = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      'POST /api/user/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /api/user/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}',
      'POST /api/user/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n\r\n',
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n',
      '\u0000\u0001\u0002\r\n\r\n',
    ];
    for (const text of raw) {
      const answer = await new Promise<string>((resolve) => {
        let received = '';
        const socket = connect(server.port, '127.0.0.1', () => socket.end(text));
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('close', () => resolve(received));
        socket.on('error', () => resolve(received));
      });
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      assert.ok(status < 500, `${JSON.stringify(text.slice(0, 80))}: ${answer.slice(0, 100)}`);
    }
    await innocentWrite();
  });

  it('kept the process up and the bystander gap-free throughout', async () => {
    assert.deepEqual(uncaught.map(String), []);
    const last = (await writer.call('hall.get', { id: watched.id })).version as number;
    await bystander.waitForVersion('bystander', last, 10_000);
    const versions = bystander.pushes('bystander', 'update').map((f) => f.data.version as number);
    assert.ok(versions.length >= writes, `${versions.length} updates for ${writes} writes`);
    assert.deepEqual(versions, versions.map((_, i) => versions[0]! + i), 'updates in order, none missing or repeated');
    assert.equal(bystander.closeCode, undefined, 'the bystander was disconnected');
  });
});
