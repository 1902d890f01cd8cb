// Several server processes on one PostgreSQL: a change through A reaches B's subscribers
// in order; B resumes after a restart; a killed LISTEN connection loses nothing.
// Embedded PGlite is one process by design (the data-folder lock refuses a second), so
// this file needs TEST_DATABASE_URL; CI runs it in its PostgreSQL pass.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase } from '../support/database.js';
import { firstHall, flipped, type HallSnapshot } from '../support/halls.js';
import { metricValue } from '../support/metrics.js';
import { spawnServer, startTestServer, type ServerProcess, type TestDatabaseHandle, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

describe('several instances on one PostgreSQL', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  let database: TestDatabaseHandle;
  let a: TestServer;
  let b: ServerProcess;
  let staff: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    database = await createTestDatabase();
    a = await startTestServer({ database });
    b = await spawnServer(database);
    const user = await userWithRole(a.url, a.server.database.prisma, 'multi_staff', 'staff');
    staff = await TestClient.connect(a.wsUrl, { cookie: user.cookie });
    hall = await firstHall(staff);
  });
  after(async () => {
    await staff?.close();
    await b?.stop();
    await a?.close();
    await database?.drop();
  });

  async function flip(i: number): Promise<number> {
    const seat = hall.seats[i % hall.seats.length]!;
    seat.status = flipped(seat.status);
    return (await staff.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status })).version;
  }

  it('delivers changes made through A to a subscriber on B, in order, once, with counts on the cinema list', async () => {
    const onB = await TestClient.connect(b.wsUrl);
    const snap = await onB.request('hall.subscribe', { id: hall.id }, 'b1');
    await onB.request('cinemas.subscribe', null, 'cb');
    const versions = await Promise.all(Array.from({ length: 20 }, (_, i) => flip(i)));
    const last = Math.max(...versions);
    await onB.waitForVersion('b1', last);
    const seen = onB.pushes('b1', 'update').map((f) => f.data.version);
    assert.deepEqual(seen, Array.from({ length: last - snap.data.version }, (_, i) => snap.data.version + 1 + i));
    const counts = await onB.waitFor((f) => f.eid === 'cb' && f.status === 'update');
    assert.equal(counts.data[0].halls[0].id !== undefined, true);
    // B's cached counts follow A's writes: its list equals the database.
    const listB = await onB.call('cinemas.get_cinemas');
    const occupied = await a.server.database.prisma.seat.count({ where: { hall_id: hall.id, status: 'OCCUPIED' } });
    await new Promise((r) => setTimeout(r, 100));
    const hallOnB = (await onB.call('cinemas.get_cinemas')).flatMap((c: any) => c.halls).find((h: any) => h.id === hall.id);
    assert.ok(listB.length > 0);
    assert.equal(hallOnB.seats_count.OCCUPIED, occupied);
    await onB.close();
  });

  it('applies A\'s changes on B from the notification alone, and reads the log for a change too big to carry', async () => {
    const catchUps = () => metricValue(b.url, 'seats_sync_catch_ups_total');
    const onB = await TestClient.connect(b.wsUrl);
    await onB.request('hall.subscribe', { id: hall.id }, 'n1');
    // Settle first: loading the hall on B reads the log once.
    await onB.waitForVersion('n1', await flip(7));
    const before = await catchUps();
    let last = 0;
    for (let i = 0; i < 10; i++) last = await flip(8 + i);
    await onB.waitForVersion('n1', last);
    assert.equal(await catchUps(), before, 'B read no log for changes the notifications carried');
    // A change of many seats does not fit in one notification (8000 bytes): B reads it.
    const seats = hall.seats.slice(0, 100).map((seat) => {
      seat.status = flipped(seat.status);
      return { seat_id: seat.id, status: seat.status };
    });
    assert.equal(seats.length, 100, 'the demo hall has 100 seats to change');
    const big = await staff.call('hall.update_seat_status', { hall_id: hall.id, seats });
    const update = await onB.waitForVersion('n1', big.version);
    assert.equal(update.data.version, big.version);
    assert.equal(update.data.seats.length, 100);
    assert.ok((await catchUps()) > before, 'B read the log for it');
    assert.deepEqual(onB.pushes('n1', 'update').map((f) => f.data.version).slice(-12), [...Array.from({ length: 11 }, (_, i) => last - 10 + i), big.version].slice(-12));
    await onB.close();
  });

  it('resumes a subscriber of B after B restarts, without a gap or duplicate', async () => {
    const onB = await TestClient.connect(b.wsUrl);
    const snap = await onB.request('hall.subscribe', { id: hall.id }, 'b2');
    const since = snap.data.version;
    await onB.waitForVersion('b2', await flip(1));
    await b.stop();
    assert.equal(await onB.closed, 1001);
    const missed = [await flip(2), await flip(3)];
    b = await spawnServer(database, { PORT: String(b.port) });
    const again = await TestClient.connect(b.wsUrl);
    const reply = await again.request('hall.subscribe', { id: hall.id, since_version: since + 1 }, 'b2');
    assert.equal(reply.data.resumed, true);
    await again.waitForVersion('b2', Math.max(...missed));
    assert.deepEqual(again.pushes('b2', 'update').map((f) => f.data.version), missed);
    await again.close();
  });

  it('loses no update when the LISTEN connection is terminated', async () => {
    const onA = await TestClient.connect(a.wsUrl);
    const snap = await onA.request('hall.subscribe', { id: hall.id }, 'k1');
    const admin = new pg.Client({ connectionString: database.databaseUrl });
    await admin.connect();
    // Kill every LISTEN connection on this database (A's and B's), mid-stream.
    const writes = Array.from({ length: 10 }, (_, i) => flip(i + 5));
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'seats-sync-listener'`,
    );
    assert.equal(killed.rowCount, 2, 'killed the LISTEN connections of A and B');
    const versions = await Promise.all(writes);
    // A change by B (its own LISTEN was killed too) must reach A's subscriber.
    const bUser = await userWithRole(b.url, a.server.database.prisma, 'multi_staff_b', 'staff');
    const viaB = await TestClient.connect(b.wsUrl, { cookie: bUser.cookie });
    const seat = hall.seats[50]!;
    seat.status = flipped(seat.status);
    const fromB = (await viaB.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status })).version;
    const last = Math.max(...versions, fromB);
    await onA.waitForVersion('k1', last, 10_000);
    assert.deepEqual(onA.pushes('k1', 'update').map((f) => f.data.version), Array.from({ length: last - snap.data.version }, (_, i) => snap.data.version + 1 + i));
    await admin.end();
    await viaB.close();
    await onA.close();
  });
});
