// Lobby displays: snapshot, then every committed version once and in order; resume with
// since_version from the ring, from the durable log, and across a restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../../support/auth.js';
import { openDatabase, renewEpoch } from '../../../src/core/db/index.js';
import { createTestDatabase, quietLogger } from '../../support/database.js';
import { firstHall, flipped, type HallSnapshot } from '../../support/halls.js';
import { startTestServer, type TestDatabaseHandle, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

describe('hall subscriptions', () => {
  let database: TestDatabaseHandle;
  let server: TestServer;
  let staff: EnrolledUser;
  let hall: HallSnapshot;
  let writer: TestClient;

  // A small ring so that "older than the ring" is easy to reach.
  const env = { HALL_HISTORY_SIZE: '4' };

  before(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ database, env });
    staff = await userWithRole(server.url, server.server.database.prisma, 'staffer', 'staff');
    writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    hall = await firstHall(writer);
  });
  after(async () => {
    await writer.close();
    await server.close();
    await database.drop();
  });

  /** Flips seat i of the hall; returns the committed version. */
  let flips = 0;
  async function flip(index = flips): Promise<number> {
    flips++;
    const seat = hall.seats[index % hall.seats.length]!;
    seat.status = flipped(seat.status);
    const reply = await writer.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status });
    return reply.version;
  }

  async function dbStatuses(): Promise<Map<number, string>> {
    const seats = await server.server.database.prisma.seat.findMany({ where: { hall_id: hall.id }, select: { id: true, status: true } });
    return new Map(seats.map((s) => [s.id, s.status]));
  }

  it('sends a snapshot, then one update per committed version in order, identically to two clients', async () => {
    const a = await TestClient.connect(server.wsUrl);
    const b = await TestClient.connect(server.wsUrl);
    const snapA = await a.request('hall.subscribe', { id: hall.id }, 'sub-a');
    const snapB = await b.request('hall.subscribe', { id: hall.id }, 'sub-b');
    assert.equal(snapA.status, 'snapshot');
    assert.equal(snapA.data.seats.length, hall.seats.length);
    const start = snapA.data.version;
    assert.equal(snapB.data.version, start);
    const last = await Promise.all([flip(), flip(), flip()]).then((v) => Math.max(...v));
    await a.waitForVersion('sub-a', last);
    await b.waitForVersion('sub-b', last);
    const versionsA = a.pushes('sub-a', 'update').map((f) => f.data.version);
    const versionsB = b.pushes('sub-b', 'update').map((f) => f.data.version);
    assert.deepEqual(versionsA, [start + 1, start + 2, start + 3]);
    assert.deepEqual(versionsB, versionsA);
    const update = a.pushes('sub-a', 'update')[0]!;
    assert.equal(update.type, 'hall.subscribe');
    assert.ok(update.data.seats.every((s: { id: number }) => typeof s.id === 'number'));
    assert.ok(update.data.seat_types.every((t: { id: number; seats: object }) => typeof t.id === 'number' && 'VACANT' in t.seats));
    await a.close();
    await b.close();
  });

  it('resumes from since_version inside the ring with exactly the missed updates', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const snap = await client.request('hall.subscribe', { id: hall.id }, 'r1');
    await client.close();
    const since = snap.data.version;
    await flip();
    const last = await flip();
    const again = await TestClient.connect(server.wsUrl);
    const reply = await again.request('hall.subscribe', { id: hall.id, since_version: since }, 'r1');
    assert.equal(reply.status, 'success');
    assert.equal(reply.data.resumed, true);
    await again.waitForVersion('r1', last);
    assert.deepEqual(again.pushes('r1', 'update').map((f) => f.data.version), [since + 1, since + 2]);
    await again.close();
  });

  it('resumes from the durable log when the ring no longer holds the versions, ending in the database state', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const snap = await client.request('hall.subscribe', { id: hall.id }, 'r2');
    const state = new Map<number, string>(snap.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]));
    await client.close();
    const since = snap.data.version;
    let last = 0;
    for (let i = 0; i < 7; i++) last = await flip(i * 3);
    const again = await TestClient.connect(server.wsUrl);
    const reply = await again.request('hall.subscribe', { id: hall.id, since_version: since }, 'r2');
    assert.equal(reply.data.resumed, true, 'resumed rather than a snapshot');
    await again.waitForVersion('r2', last);
    const updates = again.pushes('r2', 'update');
    assert.deepEqual(updates.map((f) => f.data.version), Array.from({ length: 7 }, (_, i) => since + 1 + i));
    for (const u of updates) for (const s of u.data.seats) state.set(s.id, s.status);
    assert.deepEqual(state, await dbStatuses());
    // Counts per seat type in the last replayed update equal a fresh snapshot's.
    const fresh = await again.call('hall.get', { id: hall.id });
    const lastCounts = new Map(updates.flatMap((u) => u.data.seat_types).map((t: { id: number; seats: object }) => [t.id, t.seats]));
    for (const type of fresh.seat_types) if (lastCounts.has(type.id)) assert.deepEqual(lastCounts.get(type.id), type.seats);
    await again.close();
  });

  it('sends a snapshot for a version from the future', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const reply = await client.request('hall.subscribe', { id: hall.id, since_version: 1_000_000 });
    assert.equal(reply.status, 'snapshot');
    await client.close();
  });

  it('detects and heals a gap: a client that skipped a version resubscribes and gets exactly it', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const snap = await client.request('hall.subscribe', { id: hall.id }, 'g1');
    const v1 = await flip();
    await client.waitForVersion('g1', v1);
    // Pretend the update for v1 was lost: resubscribe from the version before it.
    const reply = await client.request('hall.subscribe', { id: hall.id, since_version: snap.data.version }, 'g1');
    assert.equal(reply.data.resumed, true);
    await client.waitFor((f) => f.eid === 'g1' && f.status === 'update' && f.data.version === v1 && f !== client.pushes('g1', 'update')[0]);
    const v2 = await flip();
    await client.waitForVersion('g1', v2);
    // The same eid replaced the old subscription: v2 arrives once, not twice.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.pushes('g1', 'update').filter((f) => f.data.version === v2).length, 1);
    await client.close();
  });

  it('stops pushes after unsubscribe by id and by sub_eid', async () => {
    const client = await TestClient.connect(server.wsUrl);
    await client.request('hall.subscribe', { id: hall.id }, 'u1');
    await client.request('hall.subscribe', { id: hall.id }, 'u2');
    assert.deepEqual(await client.call('hall.unsubscribe', { sub_eid: 'u1' }), { unsubscribed: 1 });
    const v = await flip();
    await client.waitForVersion('u2', v);
    assert.equal(client.pushes('u1', 'update').length, 0);
    assert.deepEqual(await client.call('hall.unsubscribe', { id: hall.id }), { unsubscribed: 1 });
    await flip();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(client.pushes('u2', 'update').filter((f) => f.data.version > v).length, 0);
    const again = await client.request('hall.unsubscribe', { id: hall.id });
    assert.equal(again.error, 'NotSubscribed');
    await client.close();
  });

  it('resumes across a server restart from the durable log', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const snap = await client.request('hall.subscribe', { id: hall.id }, 'rs');
    const since = snap.data.version;
    await flip();
    const last = await flip();
    await client.waitForVersion('rs', last);
    await writer.close();
    await server.close();
    assert.equal(await client.closed, 1001, 'shutdown closes with 1001');
    server = await startTestServer({ database, env });
    writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    const again = await TestClient.connect(server.wsUrl);
    const reply = await again.request('hall.subscribe', { id: hall.id, since_version: since, epoch: snap.data.epoch }, 'rs');
    assert.equal(reply.data.resumed, true);
    await again.waitForVersion('rs', last);
    assert.deepEqual(again.pushes('rs', 'update').map((f) => f.data.version), [since + 1, since + 2]);
    await again.close();
  });

  it('answers a resume from another database history (a recreated database) with a snapshot', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const old = (await client.request('hall.subscribe', { id: hall.id }, 'old')).data;
    await client.close();
    // The same demo halls, ids and versions in a database made anew: only the epoch differs.
    const other = await startTestServer({ env });
    try {
      const fresh = await TestClient.connect(other.wsUrl);
      const snap = (await fresh.request('hall.subscribe', { id: hall.id }, 'f0')).data;
      assert.notEqual(snap.epoch, old.epoch);
      assert.ok(snap.version <= old.version);
      // One change there, so that a resume from snap.version has an update to send.
      const otherStaff = await userWithRole(other.url, other.server.database.prisma, 'other_staff', 'staff');
      const otherWriter = await TestClient.connect(other.wsUrl, { cookie: otherStaff.cookie });
      const seat = snap.seats[0];
      await otherWriter.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: flipped(seat.status) });
      await fresh.waitForVersion('f0', snap.version + 1);
      await otherWriter.close();
      const stale = await fresh.request('hall.subscribe', { id: hall.id, since_version: snap.version, epoch: old.epoch }, 'f1');
      assert.equal(stale.status, 'snapshot', 'versions of another history are never merged');
      assert.equal(stale.data.epoch, snap.epoch);
      const same = await fresh.request('hall.subscribe', { id: hall.id, since_version: snap.version, epoch: snap.epoch }, 'f2');
      assert.equal(same.data.resumed, true, 'the same history resumes');
      await fresh.close();
    } finally {
      await other.close();
    }
  });

  it('answers a resume with a snapshot after the operator renewed the epoch of a restored database', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const before = (await client.request('hall.subscribe', { id: hall.id }, 'r0')).data;
    await client.close();
    await writer.close();
    await server.close();
    // What `npm run db:new-epoch` does, with the servers stopped.
    const db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, logger: quietLogger });
    const renewed = await renewEpoch(db.prisma);
    await db.close();
    server = await startTestServer({ database, env });
    writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    const again = await TestClient.connect(server.wsUrl);
    const reply = await again.request('hall.subscribe', { id: hall.id, since_version: before.version, epoch: before.epoch }, 'r1');
    assert.equal(reply.status, 'snapshot');
    assert.equal(reply.data.epoch, renewed);
    assert.notEqual(renewed, before.epoch);
    await again.close();
  });
});
