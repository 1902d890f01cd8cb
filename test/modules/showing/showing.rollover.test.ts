// Showings over the real protocol with a clock the test moves: a hall's current seat map
// follows the schedule (one snapshot at the boundary, then only the new showing's
// updates), occupancy is per showing, maintenance is per hall seat and shows in every
// showing that has not ended, and the database refuses overlapping showings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../../support/auth.js';
import { createTestDatabase } from '../../support/database.js';
import type { HallSnapshot } from '../../support/halls.js';
import { ManualClock } from '../../support/manual-clock.js';
import { metricValue } from '../../support/metrics.js';
import { startTestServer, type TestDatabaseHandle, type TestServer } from '../../support/server.js';
import { zoneAwayFromMidnight } from '../../support/time-zone.js';
import { TestClient } from '../../support/ws-client.js';

const MINUTE = 60_000;

describe('showings: the hall follows the clock', () => {
  let database: TestDatabaseHandle;
  let server: TestServer;
  let admin: EnrolledUser;
  let client: TestClient;
  const clock = new ManualClock();
  const at = (minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();

  before(async () => {
    database = await createTestDatabase();
    // One admin socket drives every test here: the per-socket message limit is not under test.
    server = await startTestServer({ database, clock, env: { SHOWING_LEAD_MINUTES: '5', SCHEDULE_TIME_ZONE: zoneAwayFromMidnight(), WS_MESSAGES_PER_SECOND: '1000' } });
    admin = await userWithRole(server.url, server.server.database.prisma, 'admin', 'admin');
    client = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
  });
  after(async () => {
    await client.close();
    await server.close();
    await database.drop();
  });

  /** A fresh hall of its own for each test, so schedules do not meet. */
  async function newHall(name: string): Promise<HallSnapshot> {
    const cinemas = await client.call('cinemas.get_cinemas');
    const seatTypes = await client.call('seat_type.list');
    const created = await client.call('hall.create', {
      cinema_id: cinemas[0].id,
      name,
      layout: { rows: 2, places: 3, seat_type_id: seatTypes[0].id },
    });
    return created;
  }

  it('rolls a subscribed hall over at the boundary: one snapshot, then only the new showing\'s updates', async () => {
    const h = await newHall('Rollover');
    const [a, b] = (
      await client.call('showing.bulk_create', {
        hall_id: h.id,
        showings: [
          { title: 'Early film', starts_at: at(-10), ends_at: at(10) },
          { title: 'Late film', starts_at: at(10), ends_at: at(100) },
        ],
      })
    ).showings;
    const viewer = await TestClient.connect(server.wsUrl);
    try {
      const first = await viewer.request('hall.subscribe', { id: h.id }, 'hall-sub');
      assert.equal(first.status, 'snapshot');
      assert.equal(first.data.showing.id, a.id, 'the running showing is the hall\'s current map');
      assert.equal(first.data.showing.title, 'Early film');

      // Occupancy is per showing: a sale for the later showing does not reach the hall yet.
      const seat = h.seats[0]!.id;
      const sale = await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: b.id, seat_id: seat, status: 'OCCUPIED' });
      assert.deepEqual([sale.showing_id, sale.version], [b.id, 1]);
      const inA = await client.call('hall.update_seat_status', { hall_id: h.id, seat_id: h.seats[1]!.id, status: 'OCCUPIED' });
      assert.equal(inA.showing_id, a.id, 'a change naming no showing goes to the current one');
      await viewer.waitForVersion('hall-sub', 1);
      assert.deepEqual(
        viewer.pushes('hall-sub').map((f) => [f.status, f.data.showing_id, f.data.version]),
        [['update', a.id, 1]],
      );

      clock.advanceTo(Date.parse(b.starts_at) - 5 * MINUTE - 1);
      assert.equal(viewer.pushes('hall-sub', 'snapshot').length, 0, 'nothing before the lead time');
      clock.advanceTo(Date.parse(b.starts_at) - 5 * MINUTE);
      // A is still running: the lead time only matters when nothing runs.
      await client.call('cinemas.get_cinemas');
      assert.equal(viewer.pushes('hall-sub', 'snapshot').length, 0, 'a running showing stays current through the next one\'s lead time');

      clock.advanceTo(Date.parse(b.starts_at));
      const rolled = await viewer.waitFor((f) => f.eid === 'hall-sub' && f.status === 'snapshot' && f !== first, 'rollover snapshot');
      assert.equal(rolled.data.reason, 'rollover');
      assert.equal(rolled.data.showing.id, b.id);
      assert.equal(rolled.data.version, 1);
      assert.equal(rolled.data.seats.find((s: { id: number }) => s.id === seat).status, 'OCCUPIED', 'the sale made earlier is in the new map');

      // A's clock has not run out in the database: it can still be written, but its
      // changes never reach the hall's subscribers now.
      await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: a.id, seat_id: h.seats[2]!.id, status: 'OCCUPIED' });
      const next = await client.call('hall.update_seat_status', { hall_id: h.id, seat_id: h.seats[3]!.id, status: 'OCCUPIED' });
      assert.deepEqual([next.showing_id, next.version], [b.id, 2]);
      await viewer.waitFor((f) => f.eid === 'hall-sub' && f.status === 'update' && f.data.version === 2, 'B v2');
      const afterRollover = viewer.pushes('hall-sub').slice(viewer.pushes('hall-sub').indexOf(rolled) + 1);
      assert.deepEqual(
        afterRollover.map((f) => [f.status, f.data.showing_id, f.data.version]),
        [['update', b.id, 2]],
        'after the snapshot: only the new showing\'s updates',
      );
      assert.equal(viewer.pushes('hall-sub', 'snapshot').length, 1, 'exactly one snapshot');

      const get = await client.call('hall.get', { id: h.id });
      assert.equal(get.showing.id, b.id);

      // When the last showing ends, the hall shows its own map again.
      clock.advanceTo(Date.parse(b.ends_at));
      const back = await viewer.waitFor((f) => f.eid === 'hall-sub' && f.status === 'snapshot' && f.data.showing === null && f !== first, 'back to the hall');
      assert.equal(back.data.reason, 'rollover');
    } finally {
      await viewer.close();
    }
  });

  it('loads the next showing\'s seat map a few seconds before the boundary, so the rollover reads nothing', async () => {
    const h = await newHall('Prefetch');
    const [, b] = (
      await client.call('showing.bulk_create', {
        hall_id: h.id,
        showings: [
          { title: 'Now', starts_at: at(-10), ends_at: at(10) },
          { title: 'Next', starts_at: at(10), ends_at: at(100) },
        ],
      })
    ).showings;
    const metric = (name: string) => metricValue(server.url, name);
    const viewer = await TestClient.connect(server.wsUrl);
    try {
      await viewer.request('hall.subscribe', { id: h.id }, 'pre');
      const loaded = await metric('seats_sync_hall_store_halls');
      clock.advanceTo(Date.parse(b.starts_at) - 6_000);
      await client.call('cinemas.get_cinemas');
      assert.equal(await metric('seats_sync_hall_store_halls'), loaded, 'not loaded 6 s before');
      clock.advanceTo(Date.parse(b.starts_at) - 4_000);
      const deadline = Date.now() + 5_000;
      while ((await metric('seats_sync_hall_store_halls')) === loaded) {
        assert.ok(Date.now() < deadline, 'the next showing was loaded ahead of its boundary');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(await metric('seats_sync_hall_store_halls'), loaded + 1);
      clock.advanceTo(Date.parse(b.starts_at));
      const rolled = await viewer.waitFor((f) => f.eid === 'pre' && f.status === 'snapshot' && f.data.reason === 'rollover', 'rollover');
      assert.equal(rolled.data.showing.id, b.id);
      assert.equal(await metric('seats_sync_hall_store_halls'), loaded + 1, 'the rollover loaded nothing more');
    } finally {
      await viewer.close();
    }
  });

  it('shows the next showing from its lead time when nothing runs', async () => {
    const h = await newHall('Lead time');
    const created = await client.call('showing.create', { hall_id: h.id, title: 'Soon', starts_at: at(20), ends_at: at(60) });
    const viewer = await TestClient.connect(server.wsUrl);
    try {
      const first = await viewer.request('hall.subscribe', { id: h.id }, 'lead');
      assert.equal(first.data.showing, null);
      clock.advanceTo(Date.parse(created.starts_at) - 5 * MINUTE);
      const rolled = await viewer.waitFor((f) => f.eid === 'lead' && f.status === 'snapshot' && f !== first, 'lead-time rollover');
      assert.equal(rolled.data.showing.id, created.id);
    } finally {
      await viewer.close();
    }
  });

  it('refuses overlapping showings in the database, and a bulk create is all or nothing', async () => {
    const h = await newHall('Overlaps');
    await client.call('showing.create', { hall_id: h.id, title: 'One', starts_at: at(200), ends_at: at(300) });
    const overlap = await client.request('showing.create', { hall_id: h.id, title: 'Two', starts_at: at(250), ends_at: at(350) });
    assert.deepEqual([overlap.status, overlap.error], ['error', 'ShowingOverlap']);
    // Back to back is fine.
    await client.call('showing.create', { hall_id: h.id, title: 'Three', starts_at: at(300), ends_at: at(400) });

    const bulk = await client.request('showing.bulk_create', {
      hall_id: h.id,
      showings: [
        { title: 'Four', starts_at: at(500), ends_at: at(600) },
        { title: 'Five', starts_at: at(550), ends_at: at(650) },
      ],
    });
    assert.deepEqual([bulk.status, bulk.error], ['error', 'ShowingOverlap']);
    const list = await client.call('showing.list', { hall_id: h.id, from: at(0), to: at(24 * 60) });
    assert.deepEqual(list.showings.map((s: { title: string }) => s.title), ['One', 'Three'], 'the refused bulk create wrote nothing');

    // Not only the service: the constraint itself refuses a row written by hand.
    await assert.rejects(
      server.server.database.sql(`INSERT INTO showing (hall_id, title, starts_at, ends_at) VALUES ($1, 'By hand', $2, $3)`, [h.id, at(220), at(240)]),
      /showing_no_overlap/,
    );
    // A cancelled showing frees its time.
    const one = list.showings[0];
    await client.call('showing.cancel', { id: one.id });
    await client.call('showing.create', { hall_id: h.id, title: 'Replacement', starts_at: at(200), ends_at: at(300) });
    const cancelledWrite = await client.request('hall.update_seat_status', { hall_id: h.id, showing_id: one.id, seat_id: h.seats[0]!.id, status: 'OCCUPIED' });
    assert.deepEqual([cancelledWrite.status, cancelledWrite.error], ['error', 'ShowingCancelled']);
    // One reading of the clock: two would make the showing a few ms longer than a day (a ValidationError).
    const now = Date.now();
    const past = await client.request('showing.create', { hall_id: h.id, title: 'Yesterday', starts_at: new Date(now - 2 * 86_400_000).toISOString(), ends_at: new Date(now - 86_400_000 - 60_000).toISOString() });
    assert.deepEqual([past.status, past.error], ['error', 'ShowingEnded']);
  });

  it('shows maintenance marked during one showing in the following ones, and keeps each showing\'s sales under it', async () => {
    const h = await newHall('Maintenance');
    const [a, b] = (
      await client.call('showing.bulk_create', {
        hall_id: h.id,
        showings: [
          { title: 'Now', starts_at: at(-5), ends_at: at(1_000) },
          { title: 'Later', starts_at: at(1_000), ends_at: at(1_100) },
        ],
      })
    ).showings;
    const seat = h.seats[0]!.id;
    await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: b.id, seat_id: seat, status: 'OCCUPIED' });
    const watcher = await TestClient.connect(server.wsUrl);
    try {
      const snapshotB = await watcher.request('showing.subscribe', { id: b.id }, 'b');
      assert.equal(snapshotB.data.version, 1);
      const broken = await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: a.id, seat_id: seat, status: 'MAINTENANCE' });
      assert.equal(broken.showing_id, a.id);
      const pushed = await watcher.waitForVersion('b', 2);
      assert.deepEqual(pushed.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[seat, 'MAINTENANCE']]);
      const ownMap = await client.call('hall.get', { id: h.id });
      assert.equal(ownMap.showing.id, a.id);
      // A showing scheduled after the seat broke starts with it under maintenance.
      const c = await client.call('showing.create', { hall_id: h.id, title: 'Even later', starts_at: at(1_100), ends_at: at(1_200) });
      const mapC = await client.call('showing.get', { id: c.id });
      assert.equal(mapC.seats.find((s: { id: number }) => s.id === seat).status, 'MAINTENANCE');
      assert.equal(c.seats_left, c.seats_total - 1);

      // Fixed, in the later showing: every showing gets its own status back (B's sale is kept).
      await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: c.id, seat_id: seat, status: 'VACANT' });
      const fixed = await watcher.waitForVersion('b', 3);
      assert.deepEqual(fixed.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[seat, 'OCCUPIED']]);
      const mapA = await client.call('showing.get', { id: a.id });
      assert.equal(mapA.seats.find((s: { id: number }) => s.id === seat).status, 'VACANT');
      const events = await server.server.database.sql<{ showing_id: number; version: number; new_status: string }>(
        'SELECT showing_id, version, new_status FROM showing_event WHERE showing_id = ANY ($1) ORDER BY showing_id, version',
        [[a.id, b.id]],
      );
      assert.deepEqual(
        events.map((e) => [e.showing_id, e.version, e.new_status]),
        [
          [a.id, 1, 'MAINTENANCE'],
          [a.id, 2, 'VACANT'],
          [b.id, 1, 'OCCUPIED'],
          [b.id, 2, 'MAINTENANCE'],
          [b.id, 3, 'OCCUPIED'],
        ],
      );
      // The audit trail of one showing, newest first, with who did it.
      const history = await client.call('hall.history', { hall_id: h.id, showing_id: b.id });
      assert.deepEqual(
        history.events.map((e: { version: number; new_status: string; username: string }) => [e.version, e.new_status, e.username]),
        [
          [3, 'OCCUPIED', 'admin'],
          [2, 'MAINTENANCE', 'admin'],
          [1, 'OCCUPIED', 'admin'],
        ],
      );
      const elsewhere = await client.request('hall.history', { hall_id: h.id + 1_000, showing_id: b.id });
      assert.equal(elsewhere.error, 'HallNotFound');
    } finally {
      await watcher.close();
    }
  });

  it('keeps two showings of one hall gap-free under concurrent staff', async () => {
    const h = await newHall('Concurrent');
    const [a, b] = (
      await client.call('showing.bulk_create', {
        hall_id: h.id,
        showings: [
          { title: 'A', starts_at: at(2_000), ends_at: at(2_100) },
          { title: 'B', starts_at: at(2_100), ends_at: at(2_200) },
        ],
      })
    ).showings;
    const staffA = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    const staffB = await TestClient.connect(server.wsUrl, { cookie: admin.cookie });
    const watcher = await TestClient.connect(server.wsUrl);
    try {
      await watcher.request('showing.subscribe', { id: a.id }, 'a');
      await watcher.request('showing.subscribe', { id: b.id }, 'b');
      // One change per seat, all in flight at once on each socket.
      const rounds = h.seats.length;
      const write = (staff: TestClient, showing: number) =>
        Promise.all(
          h.seats.map((seat) => staff.call('hall.update_seat_status', { hall_id: h.id, showing_id: showing, seat_id: seat.id, status: 'OCCUPIED' })),
        );
      await Promise.all([write(staffA, a.id), write(staffB, b.id)]);
      for (const [eid, showing] of [['a', a.id], ['b', b.id]] as const) {
        await watcher.waitForVersion(eid, rounds);
        const versions = watcher.pushes(eid, 'update').map((f) => f.data.version);
        assert.deepEqual(versions, Array.from({ length: rounds }, (_, i) => i + 1), `showing ${showing}: every version once, in order`);
        const [row] = await server.server.database.sql<{ version: number; events: number }>(
          'SELECT version, (SELECT count(DISTINCT version)::int FROM showing_event WHERE showing_id = $1) AS events FROM showing WHERE id = $1',
          [showing],
        );
        assert.deepEqual([row!.version, row!.events], [rounds, rounds]);
      }
    } finally {
      await Promise.all([staffA.close(), staffB.close(), watcher.close()]);
    }
  });

  it('feeds the lobby board: the day\'s coming showings, seats left live, a showing leaves as it starts', async () => {
    const h = (await newHall('Lobby')) as HallSnapshot & { cinema_id: number };
    const startsIn = 3;
    const [soon, later] = (
      await client.call('showing.bulk_create', {
        hall_id: h.id,
        showings: [
          { title: 'Soon', starts_at: at(startsIn), ends_at: at(startsIn + 1) },
          { title: 'Later', starts_at: at(startsIn + 1), ends_at: at(startsIn + 2) },
        ],
      })
    ).showings;
    const board = await TestClient.connect(server.wsUrl);
    try {
      const first = await board.request('schedule.subscribe', { cinema_id: h.cinema_id }, 'board');
      const listed = first.data.showings.filter((s: { hall_id: number }) => s.hall_id === h.id).map((s: { id: number }) => s.id);
      assert.deepEqual(listed, [soon.id, later.id], 'both, in start order');
      assert.equal(first.data.showings[0].seats_left, soon.seats_total);
      await client.call('hall.update_seat_status', { hall_id: h.id, showing_id: soon.id, seat_id: h.seats[0]!.id, status: 'OCCUPIED' });
      const update = await board.waitFor((f) => f.eid === 'board' && f.status === 'update', 'seats left');
      assert.deepEqual(update.data.showings, [{ id: soon.id, version: 1, seats_left: soon.seats_total - 1 }]);
      clock.advanceTo(Date.parse(soon.starts_at));
      const dropped = await board.waitFor((f) => f.eid === 'board' && f.status === 'snapshot' && f !== first, 'list without the started showing');
      assert.ok(!dropped.data.showings.some((s: { id: number }) => s.id === soon.id));
    } finally {
      await board.close();
    }
  });

  it('leaves a hall without showings exactly as before', async () => {
    const hall = await newHall('No showings');
    const viewer = await TestClient.connect(server.wsUrl);
    try {
      const snapshot = await viewer.request('hall.subscribe', { id: hall.id }, 'plain');
      assert.equal(snapshot.data.showing, null);
      const reply = await client.call('hall.update_seat_status', { hall_id: hall.id, seat_id: hall.seats[0]!.id, status: hall.seats[0]!.status === 'VACANT' ? 'OCCUPIED' : 'VACANT' });
      assert.equal(reply.showing_id, null);
      const update = await viewer.waitForVersion('plain', reply.version);
      assert.equal(update.data.showing_id, null);
    } finally {
      await viewer.close();
    }
  });
});
