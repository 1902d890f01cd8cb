// A showing's stream resumes like a hall's: after a server restart (from the durable
// log: the new process has an empty ring) and, on PostgreSQL, on another instance; and
// hall.subscribe resumes only within the seat map the version belongs to.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../../support/auth.js';
import { createTestDatabase } from '../../support/database.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startTestServer, type TestDatabaseHandle, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const MINUTE = 60_000;
const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

describe('showing resume', () => {
  let database: TestDatabaseHandle;
  let server: TestServer;
  let admin: EnrolledUser;
  const clock = new ManualClock();
  const at = (minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();

  before(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ database, clock });
    admin = await userWithRole(server.url, server.server.database.prisma, 'resumer', 'admin');
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  async function staff(on: TestServer = server): Promise<TestClient> {
    return TestClient.connect(on.wsUrl, { cookie: admin.cookie });
  }

  it('resumes a showing after a restart with exactly the missed versions, and the hall only within its current map', async () => {
    const writer = await staff();
    const cinemas = await writer.call('cinemas.get_cinemas');
    const hall = await writer.call('hall.get', { id: cinemas[0].halls[0].id });
    const showing = await writer.call('showing.create', { hall_id: hall.id, title: 'Resumable', starts_at: at(-10), ends_at: at(120) });
    const seats = hall.seats.filter((s: { status: string }) => s.status === 'VACANT').slice(0, 6);
    for (const seat of seats.slice(0, 2)) await writer.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: 'OCCUPIED' });
    const viewer = await TestClient.connect(server.wsUrl);
    const snap = await viewer.call('showing.subscribe', { id: showing.id }, 'sh');
    const hallSnap = await viewer.call('hall.subscribe', { id: hall.id }, 'h');
    assert.deepEqual([snap.version, hallSnap.showing.id, hallSnap.version], [2, showing.id, 2]);
    await viewer.close();
    await writer.close();

    await server.close();
    server = await startTestServer({ database, clock });
    const again = await staff();
    for (const seat of seats.slice(2, 5)) await again.call('hall.update_seat_status', { hall_id: hall.id, showing_id: showing.id, seat_id: seat.id, status: 'OCCUPIED' });

    const back = await TestClient.connect(server.wsUrl);
    const resumed = await back.request('showing.subscribe', { id: showing.id, since_version: 2, epoch: snap.epoch }, 'sh2');
    assert.deepEqual([resumed.status, resumed.data], ['success', { id: hall.id, showing_id: showing.id, version: 2, resumed: true }]);
    await back.waitForVersion('sh2', 5);
    assert.deepEqual(back.pushes('sh2').map((f) => f.data.version), [3, 4, 5]);
    assert.deepEqual(
      back.pushes('sh2').flatMap((f) => f.data.seats.map((s: { id: number }) => s.id)),
      seats.slice(2, 5).map((s: { id: number }) => s.id),
    );

    // hall.subscribe resumes within the showing it shows...
    const hallResumed = await back.request('hall.subscribe', { id: hall.id, since_version: 2, epoch: snap.epoch, showing_id: showing.id }, 'h2');
    assert.equal(hallResumed.status, 'success');
    await back.waitForVersion('h2', 5);
    // ...but a version of another map (here: the hall's own, no showing_id) gets a snapshot.
    const other = await back.request('hall.subscribe', { id: hall.id, since_version: 2, epoch: snap.epoch }, 'h3');
    assert.deepEqual([other.status, other.data.showing.id, other.data.version], ['snapshot', showing.id, 5]);
    await back.close();
    await again.close();
  });

  it('rolls over and resumes on every instance alike', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, async () => {
    const other = await startTestServer({ database, clock });
    try {
      const writer = await staff();
      const cinemas = await writer.call('cinemas.get_cinemas');
      const hallId = cinemas[0].halls[1].id;
      const hall = await writer.call('hall.get', { id: hallId });
      const onA = await TestClient.connect(server.wsUrl);
      const onB = await TestClient.connect(other.wsUrl);
      const b0 = await onB.call('hall.subscribe', { id: hallId }, 'b');
      assert.equal(b0.showing, null);
      const [first, second] = (
        await writer.call('showing.bulk_create', {
          hall_id: hallId,
          showings: [
            { title: 'First', starts_at: at(-5), ends_at: at(30) },
            { title: 'Second', starts_at: at(30), ends_at: at(150) },
          ],
        })
      ).showings;
      // B hears of the schedule change on the catalog channel and rolls its hall over to
      // the showing that runs now.
      const toFirst = await onB.waitFor((f) => f.eid === 'b' && f.data?.reason === 'rollover', 'B rolls over to the new showing');
      assert.equal(toFirst.data.showing.id, first.id);
      const seats = hall.seats.filter((s: { status: string }) => s.status === 'VACANT').slice(0, 4);
      await onB.request('showing.subscribe', { id: second.id }, 'second');
      for (const seat of seats) await writer.call('hall.update_seat_status', { hall_id: hallId, showing_id: second.id, seat_id: seat.id, status: 'OCCUPIED' });
      await onB.waitForVersion('second', 4);
      const a0 = await onA.call('hall.subscribe', { id: hallId }, 'a');
      assert.equal(a0.showing.id, first.id);

      clock.advanceTo(Date.parse(second.starts_at));
      const rolledA = await onA.waitFor((f) => f.eid === 'a' && f.data?.reason === 'rollover', 'A rolls over');
      const rolledB = await onB.waitFor((f) => f.eid === 'b' && f.data?.reason === 'rollover' && f !== toFirst, 'B rolls over');
      assert.deepEqual([rolledA.data.showing.id, rolledA.data.version], [second.id, 4]);
      assert.deepEqual([rolledB.data.showing.id, rolledB.data.version], [second.id, 4], 'the same showing and version on both');

      // A subscriber of A moves to B and resumes there from its last version.
      const last = rolledA.data.version;
      await onA.close();
      await writer.call('hall.update_seat_status', { hall_id: hallId, seat_id: hall.seats.find((s: { status: string }) => s.status === 'VACANT' && !seats.includes(s)).id, status: 'OCCUPIED' });
      const moved = await TestClient.connect(other.wsUrl);
      const resumed = await moved.request('hall.subscribe', { id: hallId, since_version: last, epoch: rolledA.data.epoch, showing_id: second.id }, 'm');
      assert.equal(resumed.status, 'success');
      const update = await moved.waitForVersion('m', last + 1);
      assert.equal(update.data.showing_id, second.id);
      await Promise.all([moved.close(), onB.close(), writer.close()]);
    } finally {
      await other.close();
    }
  });
});
