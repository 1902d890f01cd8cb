// The write path: atomic batches, optimistic versions, no-op changes, audit trail,
// role checks, and 50 concurrent staff on one hall.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole, type EnrolledUser } from '../../support/auth.js';
import { firstHall, flipped, type HallSnapshot } from '../../support/halls.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

describe('seat status changes', () => {
  let server: TestServer;
  let staff: EnrolledUser;
  let viewer: EnrolledUser;
  let client: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: '1000' } });
    const prisma = server.server.database.prisma;
    staff = await userWithRole(server.url, prisma, 'staff_one', 'staff');
    viewer = await userWithRole(server.url, prisma, 'viewer_one', 'viewer');
    client = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
    hall = await firstHall(client);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  const prisma = () => server.server.database.prisma;
  const events = () => prisma().seatEvent.count({ where: { hall_id: hall.id } });
  const version = async () => (await prisma().hall.findUniqueOrThrow({ where: { id: hall.id } })).version;

  it('changes one seat (reference-client shape), bumps the version once and writes one event', async () => {
    const seat = hall.seats.find((s) => s.status === 'VACANT')!;
    const before = { version: await version(), events: await events() };
    const reply = await client.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: 'RESERVED' });
    assert.equal(reply.version, before.version + 1);
    assert.deepEqual(reply.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[seat.id, 'OCCUPIED']]);
    assert.equal(await events(), before.events + 1);
    const event = await prisma().seatEvent.findFirstOrThrow({ where: { hall_id: hall.id, version: reply.version }, include: { user: true } });
    assert.deepEqual([event.old_status, event.new_status, event.user?.username], ['VACANT', 'OCCUPIED', 'staff_one']);
    seat.status = 'OCCUPIED';
  });

  it('changes a batch in one version, leaving out seats already in that status', async () => {
    const [a, b, c] = hall.seats.slice(10, 13);
    await client.call('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: a!.id, status: 'MAINTENANCE' }] });
    const before = { version: await version(), events: await events() };
    const reply = await client.call('hall.update_seat_status', {
      hall_id: hall.id,
      seats: [a, b, c].map((s) => ({ seat_id: s!.id, status: 'MAINTENANCE' })),
    });
    assert.equal(reply.version, before.version + 1);
    assert.equal(reply.seats.length, 2, 'the seat already in MAINTENANCE is not an event');
    assert.equal(await events(), before.events + 2);
  });

  it('treats a call that changes nothing as no event and no version', async () => {
    const seat = hall.seats[10]!;
    const before = { version: await version(), events: await events() };
    const reply = await client.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: 'MAINTENANCE' });
    assert.deepEqual(reply, { id: hall.id, showing_id: null, version: before.version, seats: [] });
    assert.equal(await version(), before.version);
    assert.equal(await events(), before.events);
  });

  it('aborts the whole batch when one seat id is not in the hall', async () => {
    const seats = hall.seats.slice(20, 23);
    const statuses = await prisma().seat.findMany({ where: { id: { in: seats.map((s) => s.id) } }, orderBy: { id: 'asc' } });
    const before = { version: await version(), events: await events() };
    const reply = await client.request('hall.update_seat_status', {
      hall_id: hall.id,
      seats: [...seats.map((s) => ({ seat_id: s.id, status: flipped(s.status) })), { seat_id: 2_000_000, status: 'OCCUPIED' }],
    });
    assert.equal(reply.error, 'SeatNotFound');
    assert.equal(await version(), before.version);
    assert.equal(await events(), before.events);
    assert.deepEqual(await prisma().seat.findMany({ where: { id: { in: seats.map((s) => s.id) } }, orderBy: { id: 'asc' } }), statuses);
  });

  it('refuses a stale expected_version with VersionConflict and the current version, changing nothing', async () => {
    const current = await version();
    const seat = hall.seats[30]!;
    const ok = await client.call('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'OCCUPIED' }], expected_version: current });
    assert.equal(ok.version, current + 1);
    const stale = await client.request('hall.update_seat_status', { hall_id: hall.id, seats: [{ seat_id: seat.id, status: 'VACANT' }], expected_version: current });
    assert.equal(stale.error, 'VersionConflict');
    assert.equal(stale.data.version, current + 1);
    assert.equal((await prisma().seat.findUniqueOrThrow({ where: { id: seat.id } })).status, 'OCCUPIED');
  });

  it('validates statuses and duplicate seats', async () => {
    const bad = await client.request('hall.update_seat_status', { hall_id: hall.id, seat_id: hall.seats[0]!.id, status: 'BROKEN' });
    assert.equal(bad.error, 'ValidationError');
    const dup = await client.request('hall.update_seat_status', {
      hall_id: hall.id,
      seats: [{ seat_id: hall.seats[0]!.id, status: 'VACANT' }, { seat_id: hall.seats[0]!.id, status: 'OCCUPIED' }],
    });
    assert.equal(dup.error, 'ValidationError');
    const noHall = await client.request('hall.update_seat_status', { hall_id: 999_999, seat_id: 1, status: 'VACANT' });
    assert.equal(noHall.error, 'HallNotFound');
  });

  it('refuses viewers (Forbidden) and guests (Unauthorized) and changes nothing', async () => {
    const before = await version();
    const asViewer = await TestClient.connect(server.wsUrl, { cookie: viewer.cookie });
    const guest = await TestClient.connect(server.wsUrl);
    const seat = hall.seats[40]!;
    const data = { hall_id: hall.id, seat_id: seat.id, status: flipped(seat.status) };
    assert.equal((await asViewer.request('hall.update_seat_status', data)).error, 'Forbidden');
    assert.equal((await guest.request('hall.update_seat_status', data)).error, 'Unauthorized');
    assert.equal((await asViewer.request('hall.history', { hall_id: hall.id })).error, 'Forbidden');
    assert.equal((await guest.request('hall.create', { cinema_id: 1, name: 'x', layout: { rows: 1, places: 1, seat_type_id: 1 } })).error, 'Unauthorized');
    assert.equal((await asViewer.request('cinema.delete', { id: 1 })).error, 'Forbidden');
    assert.equal(await version(), before);
    await asViewer.close();
    await guest.close();
  });

  it('pages the audit trail newest first', async () => {
    const page1 = await client.call('hall.history', { hall_id: hall.id, limit: 2 });
    assert.equal(page1.events.length, 2);
    assert.ok(page1.events[0].version >= page1.events[1].version);
    assert.equal(page1.events[0].username, 'staff_one');
    const page2 = await client.call('hall.history', { hall_id: hall.id, limit: 2, before_version: page1.next_before_version });
    assert.ok(page2.events.every((e: { version: number }) => e.version < page1.next_before_version));
  });

  it('keeps 50 concurrent staff on overlapping seats gap-free, identical for every subscriber, and equal to the database', async () => {
    const subscribers = await Promise.all([0, 1, 2].map(() => TestClient.connect(server.wsUrl)));
    const start = (await Promise.all(subscribers.map((s, i) => s.call('hall.subscribe', { id: hall.id }, `c${i}`))))[0].version;
    const writers = await Promise.all(Array.from({ length: 50 }, () => TestClient.connect(server.wsUrl, { cookie: staff.cookie })));
    const eventsBefore = await events();
    const overlapping = hall.seats.slice(0, 8);
    const statuses = ['VACANT', 'OCCUPIED', 'MAINTENANCE'];
    let effective = 0;
    let lastVersion = start;
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 6; i++) {
          const seats = [overlapping[(w + i) % 8]!, overlapping[(w + 2 * i + 1) % 8]!]
            .filter((s, j, all) => all.findIndex((t) => t.id === s.id) === j)
            .map((s, j) => ({ seat_id: s.id, status: statuses[(w + i + j) % 3]! }));
          const reply = await writer.call('hall.update_seat_status', { hall_id: hall.id, seats });
          effective += reply.seats.length;
          lastVersion = Math.max(lastVersion, reply.version);
        }
      }),
    );
    await Promise.all(subscribers.map((s, i) => s.waitForVersion(`c${i}`, lastVersion, 10_000)));
    const sequences = subscribers.map((s, i) => s.pushes(`c${i}`, 'update').map((f) => f.data.version));
    assert.deepEqual(sequences[0], Array.from({ length: lastVersion - start }, (_, i) => start + 1 + i), 'gap-free, in order');
    assert.deepEqual(sequences[1], sequences[0]);
    assert.deepEqual(sequences[2], sequences[0]);
    assert.equal(await events(), eventsBefore + effective, 'one event per effective change');
    const db = await prisma().seat.findMany({ where: { hall_id: hall.id }, select: { id: true, status: true } });
    const seen = new Map<number, string>(hall.seats.map((s) => [s.id, s.status]));
    const snapshot = await subscribers[0]!.call('hall.get', { id: hall.id });
    for (const seat of snapshot.seats) seen.set(seat.id, seat.status);
    for (const seat of db) assert.equal(seen.get(seat.id), seat.status, `seat ${seat.id}`);
    // Every subscriber's folded updates equal the database too.
    for (const [i, subscriber] of subscribers.entries()) {
      const folded = new Map<number, string>();
      for (const f of subscriber.pushes(`c${i}`, 'update')) for (const s of f.data.seats) folded.set(s.id, s.status);
      for (const [id, status] of folded) assert.equal(status, db.find((s) => s.id === id)!.status, `subscriber ${i} seat ${id}`);
    }
    await Promise.all([...writers, ...subscribers].map((c) => c.close()));
  });
});
