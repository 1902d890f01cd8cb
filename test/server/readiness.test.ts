// /ready tells the truth: 503 while the LISTEN connection is down (PostgreSQL) and from
// SIGTERM until exit, before any socket is closed; /health stays the liveness check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../support/database.js';
import { spawnServer, startTestServer, type TestDatabaseHandle } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

interface ReadyBody {
  status: string;
  listen: string;
  draining: boolean;
}

/** Asks /ready until it answers `status`, or fails after `timeoutMs`. */
async function readyUntil(url: string, status: number, timeoutMs = 10_000): Promise<ReadyBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/ready`);
    const body = (await response.json()) as ReadyBody;
    if (response.status === status) return body;
    if (Date.now() > deadline) throw new Error(`/ready stayed ${response.status}: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('readiness', () => {
  let database: TestDatabaseHandle;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  it('is 503 while the LISTEN connection is cut, and 200 once it is back', { skip: !process.env.TEST_DATABASE_URL && 'needs PostgreSQL' }, async () => {
    const server = await startTestServer({ database });
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = new URL(database.databaseUrl!).pathname.slice(1);
    try {
      assert.equal((await readyUntil(server.url, 200)).listen, 'up');
      // No new connection may reach the database, so the listener stays down until allowed.
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'seats-sync-listener'`,
        [name],
      );
      assert.equal(killed.rowCount, 1);
      const down = await readyUntil(server.url, 503);
      assert.equal(down.listen, 'down_or_catching_up');
      assert.equal((await fetch(`${server.url}/health`)).status, 200, 'liveness is not readiness');

      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      assert.equal((await readyUntil(server.url, 200)).listen, 'up');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^seats_sync_bus_reconnects_total 1$/m);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
      await server.close();
    }
  });

  it('is 503 from SIGTERM on, before the sockets get their close frame, while /health stays 200', async () => {
    const server = await spawnServer(database, { SHUTDOWN_DRAIN_MS: '2000' });
    const client = await TestClient.connect(server.wsUrl);
    await client.call('cinemas.subscribe', null, 's');
    server.child.kill('SIGTERM');
    const draining = await readyUntil(server.url, 503);
    assert.equal(draining.draining, true);
    assert.equal(client.closeCode, undefined, 'the socket is still open when /ready turns 503');
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal(await client.closed, 1001);
    assert.equal(await server.stop(), 0, server.output());
  });
});
