// kill -9 of a server around a mutating REST call (PGlite or PostgreSQL): a retry with
// the same Idempotency-Key on the restarted server returns the answer the first one
// stored (killed after replying), or, when the first died mid-call (killed before
// replying) and its lease has run out, performs the call so that it happened once.
// The lease's passing is simulated in the database instead of waited for.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/core/db/index.js';
import { askAdminSocket } from '../../src/modules/user/index.js';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase, quietLogger, type TestDatabase } from '../support/database.js';
import { rest } from '../support/rest.js';
import { spawnServer, startTestServer, testEnv, type ServerProcess } from '../support/server.js';

const run = promisify(execFile);
import { TestClient } from '../support/ws-client.js';

describe('REST idempotency across a server kill', () => {
  let database: TestDatabase;
  let key: string;
  let showingId: number;
  let seats: number[];
  let server: ServerProcess | undefined;

  before(async () => {
    database = await createTestDatabase();
    const setup = await startTestServer({ database });
    const admin = await userWithRole(setup.url, setup.server.database.prisma, 'killadmin', 'admin');
    const client = await TestClient.connect(setup.wsUrl, { cookie: admin.cookie });
    const cinemas = await client.call('cinemas.get_cinemas');
    const hall = await client.call('hall.get', { id: cinemas[0].halls[0].id });
    const at = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    showingId = (await client.call('showing.create', { hall_id: hall.id, title: 'Killed', starts_at: at(1), ends_at: at(3) })).id;
    seats = hall.seats.filter((s: { status: string }) => s.status === 'VACANT').map((s: { id: number }) => s.id);
    key = (await client.call('api_key.create', { name: 'kill test', scopes: ['read', 'mark'] })).key;
    await client.close();
    await setup.close();
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await database.drop();
  });

  async function version(on: ServerProcess): Promise<number> {
    return (await rest(on.url, 'GET', `/api/v1/showings/${showingId}/seats`, { key })).body.version;
  }

  async function kill(): Promise<void> {
    server!.child.kill('SIGKILL');
    await server!.stop();
    server = undefined;
  }

  it('returns the stored answer after a kill that followed the reply', async () => {
    server = await spawnServer(database);
    const idempotencyKey = randomUUID();
    const body = { seats: [{ seat_id: seats[0], status: 'OCCUPIED' }] };
    const first = await rest(server.url, 'POST', `/api/v1/showings/${showingId}/seats`, { key, idempotencyKey, body });
    assert.equal(first.status, 200);
    await kill();
    server = await spawnServer(database);
    const retry = await rest(server.url, 'POST', `/api/v1/showings/${showingId}/seats`, { key, idempotencyKey, body });
    assert.deepEqual([retry.status, retry.body, retry.headers.get('etag'), retry.headers.get('idempotent-replayed')], [200, first.body, first.headers.get('etag'), 'true']);
    assert.equal(await version(server), first.body.version, 'nothing changed again');
  });

  it('performs a call killed before its reply exactly once on retry, after its lease ran out', async () => {
    server ??= await spawnServer(database);
    const before = await version(server);
    const idempotencyKey = randomUUID();
    const body = { seats: [{ seat_id: seats[1], status: 'OCCUPIED' }, { seat_id: seats[2], status: 'OCCUPIED' }] };
    // Killed while the call is in flight: it may have committed, stored its answer, both, or neither.
    const lost = rest(server.url, 'POST', `/api/v1/showings/${showingId}/seats`, { key, idempotencyKey, body }).catch(() => null);
    await kill();
    assert.equal(await lost, null, 'no reply reached the client');

    // Its lease runs out (API_IDEMPOTENCY_LEASE_SECONDS): simulated, with the server down.
    const db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, logger: quietLogger });
    await db.sql('UPDATE idempotency_record SET locked_until = now() WHERE status IS NULL', []);
    await db.close();

    server = await spawnServer(database);
    const retry = await rest(server.url, 'POST', `/api/v1/showings/${showingId}/seats`, { key, idempotencyKey, body });
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    const map = (await rest(server.url, 'GET', `/api/v1/showings/${showingId}/seats`, { key })).body;
    assert.equal(map.version, before + 1, 'the batch happened once');
    for (const id of [seats[1], seats[2]]) assert.equal(map.seats.find((s: { id: number }) => s.id === id).status, 'OCCUPIED');
    const again = await rest(server.url, 'POST', `/api/v1/showings/${showingId}/seats`, { key, idempotencyKey, body });
    assert.deepEqual([again.body, again.headers.get('idempotent-replayed')], [retry.body, 'true']);
  });

  it('manages keys with `npm run api-key` through the running embedded server', { skip: process.env.TEST_DATABASE_URL ? 'the admin socket is for embedded data folders' : false }, async () => {
    server ??= await spawnServer(database);
    // The command itself, once: it finds the folder held and asks the server.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/api-key.ts', 'create', 'From the shell', '--scopes', 'read'], {
      env: { ...process.env, ...testEnv(database) },
    });
    assert.match(stdout.trim().split('\n').at(-1)!, /^ssk_[0-9a-f]{16}_/);
    const created = await askAdminSocket(database.dataDir, ['create', 'Box office', '--scopes', 'read,hold', '--cinemas', '1'], 'api-key');
    assert.equal(created.error, undefined, created.message);
    const newKey = created.output!.split('\n').at(-1)!;
    assert.match(newKey, /^ssk_/);
    assert.equal((await rest(server.url, 'GET', '/api/v1/cinemas', { key: newKey })).body.cinemas.length, 1);
    const id = /^#(\d+)/.exec(created.output!)![1]!;
    const listed = await askAdminSocket(database.dataDir, ['list'], 'api-key');
    assert.ok(listed.output!.includes('Box office') && !listed.output!.includes(newKey.slice(21)));
    assert.match((await askAdminSocket(database.dataDir, ['revoke', id], 'api-key')).output!, /REVOKED/);
    assert.equal((await rest(server.url, 'GET', '/api/v1/cinemas', { key: newKey })).status, 401);
    assert.equal((await askAdminSocket(database.dataDir, ['create', 'x', '--scopes', 'fly'], 'api-key')).error, 'ValidationError');
    assert.ok(!server.output().includes(newKey.slice(21)), 'the key is not in the server log');
  });
});
