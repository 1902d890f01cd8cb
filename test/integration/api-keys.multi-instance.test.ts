// API keys and Idempotency-Key with two instances on one PostgreSQL: a key revoked on one
// is refused by the other from its very next request (keys are read per request, no
// cache), and an Idempotency-Key used on one is honoured on the other (the records are
// in the shared database). Needs TEST_DATABASE_URL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase } from '../support/database.js';
import { rest } from '../support/rest.js';
import { startTestServer, type TestDatabaseHandle, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

describe('API keys on two instances', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let database: TestDatabaseHandle;
  let a: TestServer;
  let b: TestServer;
  let admin: TestClient;

  before(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ database });
    b = await startTestServer({ database });
    const user = await userWithRole(a.url, a.server.database.prisma, 'keys_admin', 'admin');
    admin = await TestClient.connect(a.wsUrl, { cookie: user.cookie });
  });
  after(async () => {
    await admin?.close();
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('refuses a key revoked on one instance on the other at once', async () => {
    const created = await admin.call('api_key.create', { name: 'two instances', scopes: ['read'] });
    // Both instances have served it (a cache, if there were one, would hold it now).
    assert.equal((await rest(a.url, 'GET', '/api/v1/cinemas', { key: created.key })).status, 200);
    assert.equal((await rest(b.url, 'GET', '/api/v1/cinemas', { key: created.key })).status, 200);
    await admin.call('api_key.revoke', { id: created.id });
    const onB = await rest(b.url, 'GET', '/api/v1/cinemas', { key: created.key });
    assert.deepEqual([onB.status, onB.body.code], [401, 'Unauthorized']);
    assert.equal((await rest(a.url, 'GET', '/api/v1/cinemas', { key: created.key })).status, 401);
  });

  it('answers a retry on another instance from the first instance\'s stored answer', async () => {
    const { key } = await admin.call('api_key.create', { name: 'retry elsewhere', scopes: ['read', 'mark'] });
    const cinemas = await admin.call('cinemas.get_cinemas');
    const hall = await admin.call('hall.get', { id: cinemas[0].halls[0].id });
    const at = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const showing = await admin.call('showing.create', { hall_id: hall.id, title: 'Shared', starts_at: at(1), ends_at: at(2) });
    const seat = hall.seats.find((s: { status: string }) => s.status === 'VACANT');
    const idempotencyKey = randomUUID();
    const body = { seats: [{ seat_id: seat.id, status: 'OCCUPIED' }] };
    const first = await rest(a.url, 'POST', `/api/v1/showings/${showing.id}/seats`, { key, idempotencyKey, body });
    assert.equal(first.status, 200);
    const retry = await rest(b.url, 'POST', `/api/v1/showings/${showing.id}/seats`, { key, idempotencyKey, body });
    assert.deepEqual([retry.status, retry.body, retry.headers.get('idempotent-replayed')], [200, first.body, 'true']);
    const [row] = await a.server.database.sql<{ version: number }>('SELECT version FROM showing WHERE id = $1', [showing.id]);
    assert.equal(row!.version, 1, 'one change');
  });
});
