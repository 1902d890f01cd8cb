// The box-office REST API with API keys: scopes and cinema limits refused with the right
// codes, conditional reads (ETag / If-None-Match), batch seat changes guarded by If-Match
// or expected_version, Idempotency-Key (retry after a client timeout: same answer, one
// change), problem details, revocation, and keys never in the logs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../../support/auth.js';
import { rest } from '../../support/rest.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const HOUR = 3_600_000;

describe('box-office REST API', () => {
  let server: TestServer;
  let admin: EnrolledUser;
  let console_: TestClient;
  let cinemas: { id: number; halls: { id: number }[] }[];
  let showingA: { id: number; hall_id: number };
  let showingB: { id: number; hall_id: number };
  let seatsA: { id: number; status: string }[];
  const keys: string[] = [];

  async function createKey(name: string, scopes: string[], cinema_ids?: number[]): Promise<string> {
    const created = await console_.call('api_key.create', { name, scopes, ...(cinema_ids ? { cinema_ids } : {}) });
    keys.push(created.key);
    return created.key;
  }

  before(async () => {
    server = await startTestServer();
    admin = await userWithRole(server.url, server.server.database.prisma, 'boxadmin', 'admin');
    console_ = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    cinemas = await console_.call('cinemas.get_cinemas');
    assert.ok(cinemas.length >= 2, 'the demo has two cinemas');
    const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
    showingA = await console_.call('showing.create', { hall_id: cinemas[0]!.halls[0]!.id, title: 'A', starts_at: at(1), ends_at: at(3) });
    showingB = await console_.call('showing.create', { hall_id: cinemas[1]!.halls[0]!.id, title: 'B', starts_at: at(1), ends_at: at(3) });
    seatsA = (await console_.call('showing.get', { id: showingA.id })).seats.filter((s: { status: string }) => s.status === 'VACANT');
  });
  after(async () => {
    await console_.close();
    await server.close();
  });

  it('shows a new key once, stores only its hash, and lists it without the key', async () => {
    const created = await console_.call('api_key.create', { name: 'Front desk', scopes: ['read'] });
    keys.push(created.key);
    assert.match(created.key, /^ssk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.prefix, created.key.slice(0, 20));
    const { keys: listed } = await console_.call('api_key.list');
    const mine = listed.find((k: { id: number }) => k.id === created.id);
    assert.deepEqual([mine.name, mine.scopes, mine.cinema_ids, mine.created_by, mine.revoked_at, 'key' in mine], ['Front desk', ['read'], [], 'boxadmin', null, false]);
    const [row] = await server.server.database.sql<{ secret_hash: Uint8Array }>('SELECT secret_hash FROM api_key WHERE id = $1', [created.id]);
    assert.equal(row!.secret_hash.length, 32);
    assert.ok(!JSON.stringify(await server.server.database.sql('SELECT * FROM api_key', [])).includes(created.key.slice(21)));
    // Only admins manage keys.
    const viewer = await userWithRole(server.url, server.server.database.prisma, 'boxviewer', 'staff');
    const staff = await TestClient.connect(server.wsUrl, { cookie: viewer.cookie });
    assert.equal((await staff.request('api_key.list', null)).error, 'Forbidden');
    await staff.close();
    assert.equal((await console_.request('api_key.create', { name: 'x', scopes: ['read'], cinema_ids: [999_999] })).error, 'CinemaNotFound');
  });

  it('refuses a missing, malformed, wrong or unknown key with 401 problem details', async () => {
    const key = await createKey('reader', ['read']);
    const wrongSecret = `${key.slice(0, 21)}${key.slice(21, 22) === 'A' ? 'B' : 'A'}${key.slice(22)}`;
    for (const authorization of [undefined, 'Bearer nope', `Basic ${key}`, `Bearer ${wrongSecret}`, 'Bearer ssk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const reply = await rest(server.url, 'GET', '/api/v1/cinemas', { headers: authorization ? { Authorization: authorization } : {} });
      assert.equal(reply.status, 401, authorization);
      assert.equal(reply.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.deepEqual([reply.body.code, reply.body.status, reply.body.title, reply.body.type], ['Unauthorized', 401, 'Unauthorized', 'urn:seats-sync:error:Unauthorized']);
    }
    const unknownRoute = await rest(server.url, 'GET', '/api/v1/nothing', { key });
    assert.deepEqual([unknownRoute.status, unknownRoute.body.code], [404, 'NotFound']);
    const badJson = await fetch(`${server.url}/api/v1/showings/${showingA.id}/seats`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` }, body: '{' });
    assert.deepEqual([badJson.status, ((await badJson.json()) as { code: string }).code], [400, 'ValidationError']);
  });

  it('answers reads with the key\'s cinemas only, and 404 for the others', async () => {
    const key = await createKey('cinema one', ['read'], [cinemas[0]!.id]);
    const list = await rest(server.url, 'GET', '/api/v1/cinemas', { key });
    assert.deepEqual(list.body.cinemas.map((c: { id: number }) => c.id), [cinemas[0]!.id]);
    assert.equal((await rest(server.url, 'GET', `/api/v1/halls/${cinemas[0]!.halls[0]!.id}`, { key })).status, 200);
    const otherHall = await rest(server.url, 'GET', `/api/v1/halls/${cinemas[1]!.halls[0]!.id}`, { key });
    assert.deepEqual([otherHall.status, otherHall.body.code], [404, 'HallNotFound']);
    const otherCinema = await rest(server.url, 'GET', `/api/v1/showings?cinema_id=${cinemas[1]!.id}`, { key });
    assert.deepEqual([otherCinema.status, otherCinema.body.code], [404, 'CinemaNotFound']);
    const otherHallShowings = await rest(server.url, 'GET', `/api/v1/showings?hall_id=${showingB.hall_id}`, { key });
    assert.deepEqual([otherHallShowings.status, otherHallShowings.body.code], [404, 'HallNotFound']);
    const otherSeats = await rest(server.url, 'GET', `/api/v1/showings/${showingB.id}/seats`, { key });
    assert.deepEqual([otherSeats.status, otherSeats.body.code], [404, 'ShowingNotFound']);
    const mine = await rest(server.url, 'GET', `/api/v1/showings?cinema_id=${cinemas[0]!.id}`, { key });
    assert.ok(mine.body.showings.some((s: { id: number }) => s.id === showingA.id));
    const bad = await rest(server.url, 'GET', '/api/v1/showings?cinema_id=abc', { key });
    assert.deepEqual([bad.status, bad.body.code, bad.body.issues[0].path], [400, 'ValidationError', 'query.cinema_id']);
    const neither = await rest(server.url, 'GET', '/api/v1/showings', { key });
    assert.deepEqual([neither.status, neither.body.code], [400, 'ValidationError']);
  });

  it('refuses a call outside the key\'s scopes with 403 naming the scope, and other cinemas\' showings with 404', async () => {
    const reader = await createKey('read only', ['read']);
    const refused = await rest(server.url, 'POST', `/api/v1/showings/${showingA.id}/seats`, { key: reader, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: seatsA[0]!.id, status: 'OCCUPIED' }] } });
    assert.deepEqual([refused.status, refused.body.code, refused.body.scope], [403, 'Forbidden', 'mark']);
    const holdRefused = await rest(server.url, 'POST', `/api/v1/showings/${showingA.id}/holds`, { key: reader, idempotencyKey: randomUUID(), body: { seat_ids: [seatsA[0]!.id] } });
    assert.deepEqual([holdRefused.status, holdRefused.body.scope], [403, 'hold']);
    const marker = await createKey('marks cinema one', ['mark'], [cinemas[0]!.id]);
    const readRefused = await rest(server.url, 'GET', '/api/v1/cinemas', { key: marker });
    assert.deepEqual([readRefused.status, readRefused.body.scope], [403, 'read']);
    const elsewhere = await rest(server.url, 'POST', `/api/v1/showings/${showingB.id}/seats`, { key: marker, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: 1, status: 'OCCUPIED' }] } });
    assert.deepEqual([elsewhere.status, elsewhere.body.code], [404, 'ShowingNotFound']);
    const holdElsewhere = await rest(server.url, 'POST', `/api/v1/showings/${showingB.id}/holds`, { key: await createKey('holds cinema one', ['hold'], [cinemas[0]!.id]), idempotencyKey: randomUUID(), body: { seat_ids: [1] } });
    assert.deepEqual([holdElsewhere.status, holdElsewhere.body.code], [404, 'ShowingNotFound']);
  });

  it('serves a showing\'s seat map with its version as a strong ETag, and 304 while it is current', async () => {
    const key = await createKey('etag', ['read']);
    const first = await rest(server.url, 'GET', `/api/v1/showings/${showingA.id}/seats`, { key });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('etag'), `"${first.body.version}"`);
    assert.equal(first.body.showing.id, showingA.id);
    const again = await rest(server.url, 'GET', `/api/v1/showings/${showingA.id}/seats`, { key, headers: { 'If-None-Match': first.headers.get('etag')! } });
    assert.deepEqual([again.status, again.body, again.headers.get('etag')], [304, undefined, first.headers.get('etag')]);
    const stale = await rest(server.url, 'GET', `/api/v1/showings/${showingA.id}/seats`, { key, headers: { 'If-None-Match': '"999999"' } });
    assert.equal(stale.status, 200);
  });

  it('changes seats in one batch through the seat service, guarded by If-Match (412) or expected_version (409)', async () => {
    const key = await createKey('marker', ['read', 'mark']);
    const path = `/api/v1/showings/${showingA.id}/seats`;
    const before = await rest(server.url, 'GET', path, { key });
    const missing = await rest(server.url, 'POST', path, { key, body: { seats: [{ seat_id: seatsA[1]!.id, status: 'OCCUPIED' }] } });
    assert.deepEqual([missing.status, missing.body.code], [400, 'ValidationError']);
    const changed = await rest(server.url, 'POST', path, {
      key,
      idempotencyKey: randomUUID(),
      headers: { 'If-Match': before.headers.get('etag')! },
      body: { seats: [{ seat_id: seatsA[1]!.id, status: 'OCCUPIED' }, { seat_id: seatsA[2]!.id, status: 'OCCUPIED' }] },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.showing_id, changed.body.version, changed.body.seats.length], [showingA.id, before.body.version + 1, 2]);
    assert.equal(changed.headers.get('etag'), `"${before.body.version + 1}"`);
    // The socket sees it: the same seat service wrote it.
    const map = await console_.call('showing.get', { id: showingA.id });
    assert.equal(map.seats.find((s: { id: number }) => s.id === seatsA[1]!.id).status, 'OCCUPIED');
    // The audit trail records the change without a user.
    const history = await console_.call('hall.history', { hall_id: showingA.hall_id, showing_id: showingA.id });
    assert.equal(history.events[0].username, null);

    const stale = await rest(server.url, 'POST', path, { key, idempotencyKey: randomUUID(), headers: { 'If-Match': before.headers.get('etag')! }, body: { seats: [{ seat_id: seatsA[3]!.id, status: 'OCCUPIED' }] } });
    assert.deepEqual([stale.status, stale.body.code, stale.body.version], [412, 'PreconditionFailed', before.body.version + 1]);
    const staleBody = await rest(server.url, 'POST', path, { key, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: seatsA[3]!.id, status: 'OCCUPIED' }], expected_version: before.body.version } });
    assert.deepEqual([staleBody.status, staleBody.body.code, staleBody.body.version], [409, 'VersionConflict', before.body.version + 1]);
    const weakTag = await rest(server.url, 'POST', path, { key, idempotencyKey: randomUUID(), headers: { 'If-Match': 'W/"1"' }, body: { seats: [{ seat_id: seatsA[3]!.id, status: 'OCCUPIED' }] } });
    assert.deepEqual([weakTag.status, weakTag.body.code], [400, 'ValidationError']);
    const held = await rest(server.url, 'POST', path, { key, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: seatsA[3]!.id, status: 'HELD' }] } });
    assert.deepEqual([held.status, held.body.code, held.body.issues[0].path], [400, 'ValidationError', 'body.seats.0.status'], 'HELD comes from holds only');
    const unknownSeat = await rest(server.url, 'POST', path, { key, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: 2_000_000_000, status: 'OCCUPIED' }] } });
    assert.deepEqual([unknownSeat.status, unknownSeat.body.code], [404, 'SeatNotFound']);
    const noShowing = await rest(server.url, 'POST', '/api/v1/showings/2000000000/seats', { key, idempotencyKey: randomUUID(), body: { seats: [{ seat_id: 1, status: 'OCCUPIED' }] } });
    assert.deepEqual([noShowing.status, noShowing.body.code], [404, 'ShowingNotFound']);
    const after = await rest(server.url, 'GET', path, { key });
    assert.equal(after.body.version, before.body.version + 1, 'refused calls changed nothing');
  });

  it('runs a mutating call once per Idempotency-Key: a retry after a client timeout gets the first answer and changes nothing', async () => {
    const key = await createKey('retrier', ['read', 'mark']);
    const path = `/api/v1/showings/${showingA.id}/seats`;
    const before = (await rest(server.url, 'GET', path, { key })).body.version;
    const idempotencyKey = randomUUID();
    const body = { seats: [{ seat_id: seatsA[4]!.id, status: 'OCCUPIED' }, { seat_id: seatsA[5]!.id, status: 'MAINTENANCE' }] };
    // The client gives up waiting (its timeout) and retries at once, while the server still works on the first.
    // Either may reach the server first: one runs, the other is told it is in progress (or gets its answer).
    const [one, two] = await Promise.all([rest(server.url, 'POST', path, { key, idempotencyKey, body }), rest(server.url, 'POST', path, { key, idempotencyKey, body })]);
    const original = one.status === 200 && one.headers.get('idempotent-replayed') === null ? one : two;
    const duringFirst = original === one ? two : one;
    assert.equal(original.status, 200);
    if (duringFirst.status === 409) {
      assert.equal(duringFirst.body.code, 'IdempotencyInProgress');
      assert.equal(duringFirst.headers.get('retry-after'), '1');
    } else {
      assert.deepEqual([duringFirst.status, duringFirst.body, duringFirst.headers.get('idempotent-replayed')], [200, original.body, 'true']);
    }
    const retry = await rest(server.url, 'POST', path, { key, idempotencyKey, body });
    assert.deepEqual([retry.status, retry.body, retry.headers.get('etag'), retry.headers.get('idempotent-replayed')], [200, original.body, original.headers.get('etag'), 'true']);
    assert.equal((await rest(server.url, 'GET', path, { key })).body.version, before + 1, 'one change');

    const reused = await rest(server.url, 'POST', path, { key, idempotencyKey, body: { seats: [{ seat_id: seatsA[4]!.id, status: 'VACANT' }] } });
    assert.deepEqual([reused.status, reused.body.code], [422, 'IdempotencyKeyReused']);
    const otherPath = await rest(server.url, 'POST', `/api/v1/showings/${showingB.id}/seats`, { key, idempotencyKey, body });
    assert.deepEqual([otherPath.status, otherPath.body.code], [422, 'IdempotencyKeyReused']);
    // Errors are answers too: a refused call's retry is refused the same way, without running again.
    const conflictKey = randomUUID();
    const conflict = await rest(server.url, 'POST', path, { key, idempotencyKey: conflictKey, body: { ...body, expected_version: 0 } });
    assert.equal(conflict.status, 409);
    const conflictAgain = await rest(server.url, 'POST', path, { key, idempotencyKey: conflictKey, body: { ...body, expected_version: 0 } });
    assert.deepEqual([conflictAgain.status, conflictAgain.body, conflictAgain.headers.get('content-type')], [409, conflict.body, 'application/problem+json; charset=utf-8']);
    // Another API key's identical Idempotency-Key is its own.
    const otherKey = await createKey('other retrier', ['mark']);
    const theirs = await rest(server.url, 'POST', path, { key: otherKey, idempotencyKey, body });
    assert.deepEqual([theirs.status, theirs.body.seats], [200, []]);
  });

  it('refuses a revoked key at once, and admins see last_used_at', async () => {
    const created = await console_.call('api_key.create', { name: 'to revoke', scopes: ['read'] });
    keys.push(created.key);
    assert.equal((await rest(server.url, 'GET', '/api/v1/cinemas', { key: created.key })).status, 200);
    const listed = (await console_.call('api_key.list')).keys.find((k: { id: number }) => k.id === created.id);
    assert.ok(listed.last_used_at, 'last_used_at is written on first use');
    const revoked = await console_.call('api_key.revoke', { id: created.id });
    assert.ok(revoked.revoked_at);
    const refused = await rest(server.url, 'GET', '/api/v1/cinemas', { key: created.key });
    assert.deepEqual([refused.status, refused.body.code], [401, 'Unauthorized']);
    assert.equal((await console_.request('api_key.revoke', { id: 2_000_000_000 })).error, 'ApiKeyNotFound');
    // Both are in the auth audit trail (npm run user -- audit), by whom, without the key.
    await console_.call('api_key.revoke', { id: created.id });
    const trail = await server.server.database.sql<{ action: string; username: string; actor: string }>('SELECT action, username, actor FROM auth_audit WHERE username LIKE $1 ORDER BY id', [`api key #${created.id} %`]);
    assert.deepEqual(trail.map((r) => [r.action, r.actor]), [['api_key_created', 'boxadmin'], ['api_key_revoked', 'boxadmin']], 'a second revoke is not audited again');
    assert.ok(trail.every((r) => r.username.includes(created.prefix) && !r.username.includes(created.key.slice(21))));
  });

  it('never writes a key or an Authorization header to the logs', () => {
    assert.ok(keys.length > 5);
    const logs = server.logs.text();
    for (const key of keys) {
      assert.ok(!logs.includes(key.slice(21)), 'a key secret is in the logs');
    }
    assert.ok(!/authorization/i.test(logs));
    assert.ok(logs.includes('"path":"/api/v1/cinemas"'), 'REST requests are logged (without their headers)');
  });
});

describe('box-office REST API rate limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { API_KEY_RATE_PER_SECOND: '1', API_KEY_BURST: '3' } });
  });
  after(() => server.close());

  it('answers 429 RateLimitExceeded with Retry-After once a key spent its bucket, per key', async () => {
    const admin = await userWithRole(server.url, server.server.database.prisma, 'rateadmin', 'admin');
    const client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    const one = (await client.call('api_key.create', { name: 'one', scopes: ['read'] })).key;
    const two = (await client.call('api_key.create', { name: 'two', scopes: ['read'] })).key;
    await client.close();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await rest(server.url, 'GET', '/api/v1/cinemas', { key: one })).status);
    // Bursts of 3; a slow machine may refill one token meanwhile.
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(statuses.at(-1), 429);
    const limited = await rest(server.url, 'GET', '/api/v1/cinemas', { key: one });
    assert.deepEqual([limited.status, limited.body.code, limited.headers.get('retry-after')], [429, 'RateLimitExceeded', '1']);
    assert.equal((await rest(server.url, 'GET', '/api/v1/cinemas', { key: two })).status, 200, 'another key has its own bucket');
  });
});
