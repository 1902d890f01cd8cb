// A PostgreSQL outage under a running server, on a cluster this test starts itself:
// restarted, then its postmaster killed. Meanwhile requests answer ServiceUnavailable
// with a retry hint (never InternalServerError), /ready says 503 and the log holds no
// stack per request; afterwards the same server serves again, without a restart, and a
// subscriber sees every change it missed.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../support/auth.js';
import { firstHall, flipped, type HallSnapshot } from '../support/halls.js';
import { startTestServer, tempDir, type TestServer } from '../support/server.js';
import { createThrowawayPostgres, throwawayPostgresAvailable, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { TestClient } from '../support/ws-client.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

describe('PostgreSQL outage', { skip: onPostgres && throwawayPostgresAvailable() ? false : 'needs TEST_DATABASE_URL (PostgreSQL) and its binaries' }, () => {
  let cluster: ThrowawayPostgres;
  let server: TestServer;
  let staff: TestClient;
  let display: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    cluster = await createThrowawayPostgres();
    const dataDir = tempDir('seats-sync-outage-');
    server = await startTestServer({ database: { databaseUrl: cluster.url, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) } });
    const user = await userWithRole(server.url, server.server.database.prisma, 'outagestaff', 'staff');
    staff = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
    display = await TestClient.connect(server.wsUrl);
    hall = await firstHall(staff);
    await display.call('hall.subscribe', { id: hall.id }, 'display');
  });
  after(async () => {
    await staff?.close();
    await display?.close();
    await server?.close();
    await server?.database.drop();
    cluster?.remove();
  });

  let seatIndex = 0;
  function flip() {
    const seat = hall.seats[seatIndex++ % hall.seats.length]!;
    seat.status = flipped(seat.status);
    return staff.request('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status });
  }

  async function duringOutage() {
    const before = server.logs.lines.length;
    const replies = await Promise.all(Array.from({ length: 20 }, () => flip()));
    for (const reply of replies) {
      assert.equal(reply.error, 'ServiceUnavailable', JSON.stringify(reply.data));
      assert.ok(reply.data.retry_after > 0);
    }
    const ready = await fetch(`${server.url}/ready`);
    assert.equal(ready.status, 503);
    const history = await staff.request('hall.history', { hall_id: hall.id });
    assert.equal(history.error, 'ServiceUnavailable');
    const login = await fetch(`${server.url}/api/user/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"outagestaff","code":"123456"}' });
    assert.equal(login.status, 503);
    assert.equal(login.headers.get('retry-after'), '2');
    const logged = server.logs.lines.slice(before);
    assert.ok(!logged.some((line) => line.includes('    at ')), 'a stack trace was logged');
    const failures = logged.filter((line) => /"level":"error"/.test(line));
    assert.deepEqual(failures, [], 'errors logged');
    const reports = logged.filter((line) => line.includes('"database unavailable"'));
    assert.ok(reports.length <= 1, `${reports.length} outage reports for 22 failed requests`);
  }

  async function recovers() {
    // The client retries as told; /ready turns 200 when the database answers again.
    while ((await fetch(`${server.url}/ready`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    let reply = await flip();
    while (reply.error === 'ServiceUnavailable') {
      await new Promise((resolve) => setTimeout(resolve, reply.data.retry_after * 1000));
      reply = await flip();
    }
    assert.equal(reply.status, 'success', JSON.stringify(reply));
    await display.waitForVersion('display', reply.data.version);
    const versions = display.pushes('display', 'update').map((f) => f.data.version);
    assert.deepEqual(versions, versions.map((_, i) => versions[0] + i), 'the subscriber saw every version, in order');
  }

  it('answers ServiceUnavailable while PostgreSQL restarts, and serves again after', async () => {
    assert.equal((await flip()).status, 'success');
    cluster.stop();
    // Started again even when an assertion fails, so the next test meets a running cluster.
    await duringOutage().finally(() => cluster.start());
    await recovers();
  });

  it('answers ServiceUnavailable while its postmaster is killed, and serves again after', async () => {
    await cluster.killPostmaster();
    await duringOutage().finally(() => cluster.start());
    await recovers();
  });
});
