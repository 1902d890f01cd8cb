// Admins manage cinemas, halls and seat types; every change reaches cinemas.subscribe.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../../support/auth.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

describe('hall administration', () => {
  let server: TestServer;
  let admin: TestClient;
  let staff: TestClient;
  let watcher: TestClient;
  let seatTypeId: number;
  let vipTypeId: number;

  before(async () => {
    server = await startTestServer();
    const prisma = server.server.database.prisma;
    admin = await TestClient.connect(server.wsUrl, { cookie: (await userWithRole(server.url, prisma, 'boss', 'admin')).cookie });
    staff = await TestClient.connect(server.wsUrl, { cookie: (await userWithRole(server.url, prisma, 'usher', 'staff')).cookie });
    watcher = await TestClient.connect(server.wsUrl);
    await watcher.call('cinemas.subscribe', null, 'list');
    const types = await admin.call('seat_type.list');
    seatTypeId = types.find((t: { name: string }) => t.name === 'Standard').id;
    vipTypeId = types.find((t: { name: string }) => t.name === 'VIP').id;
  });
  after(async () => {
    await Promise.all([admin, staff, watcher].map((c) => c.close()));
    await server.close();
  });

  it('creates a cinema and pushes the new list', async () => {
    const cinema = await admin.call('cinema.create', { name: 'Test Odeon', color: '#336699' });
    assert.equal(cinema.name, 'Test Odeon');
    const push = await watcher.waitFor((f) => f.eid === 'list' && f.status === 'snapshot' && f.data.some((c: { name: string }) => c.name === 'Test Odeon'));
    assert.equal(push.data.length, 3);
    const duplicate = await admin.request('cinema.create', { name: 'Test Odeon', color: '#336699' });
    assert.equal(duplicate.error, 'NameTaken');
  });

  it('creates a hall from a layout spec with the expected seat count and geometry', async () => {
    const cinema = (await admin.call('cinemas.get_cinemas')).find((c: { name: string }) => c.name === 'Test Odeon');
    const layout = { rows: 5, places: 12, aisles_after: [6], shape: 'curved', seat_type_id: seatTypeId, row_seat_types: [{ row: 5, seat_type_id: vipTypeId }] };
    const preview = await admin.call('hall.preview', { layout });
    assert.equal(preview.seats.length, 60);
    const hall = await admin.call('hall.create', { cinema_id: cinema.id, name: 'Studio 9', layout });
    assert.equal(hall.seats.length, 60);
    assert.equal(hall.rows, 5);
    assert.equal(hall.places, 12);
    assert.equal(hall.version, 0);
    assert.deepEqual(
      hall.seats.map((s: any) => [s.row, s.place, s.x, s.y, s.rotation]),
      preview.seats.map((s: any) => [s.row, s.place, s.x, s.y, s.rotation]),
      'stored geometry is the computed one',
    );
    const row1 = hall.seats.filter((s: any) => s.row === 1).sort((p: any, q: any) => p.place - q.place);
    const gap = (i: number) => row1[i + 1].x - row1[i].x;
    assert.ok(gap(5) > gap(4) * 1.5, 'an aisle after place 6 widens the gap');
    assert.ok(row1[0].rotation !== 0 && Math.abs(row1[0].rotation + row1[11].rotation) < 0.1, 'curved rows turn symmetrically');
    assert.ok(hall.seats.filter((s: any) => s.row === 5).every((s: any) => s.seat_type.id === vipTypeId));
    const bad = await admin.request('hall.create', { cinema_id: cinema.id, name: 'Bad', layout: { ...layout, aisles_after: [40] } });
    assert.equal(bad.error, 'ValidationError');
    const noCinema = await admin.request('hall.create', { cinema_id: 999_999, name: 'Nowhere', layout });
    assert.equal(noCinema.error, 'CinemaNotFound');
  });

  it('refuses to rename or delete a hall with OCCUPIED seats, then allows it once vacated', async () => {
    const cinema = (await admin.call('cinemas.get_cinemas')).find((c: { name: string }) => c.name === 'Test Odeon');
    const hallId = cinema.halls[0].id;
    const hall = await admin.call('hall.get', { id: hallId });
    const seat = hall.seats[0];
    await staff.call('hall.update_seat_status', { hall_id: hallId, seat_id: seat.id, status: 'OCCUPIED' });
    assert.equal((await admin.request('hall.rename', { id: hallId, name: 'Studio 10' })).error, 'HallHasOccupiedSeats');
    assert.equal((await admin.request('hall.delete', { id: hallId })).error, 'HallHasOccupiedSeats');
    assert.equal((await admin.request('cinema.delete', { id: cinema.id })).error, 'CinemaHasOccupiedSeats');
    await staff.call('hall.update_seat_status', { hall_id: hallId, seat_id: seat.id, status: 'VACANT' });
    const display = await TestClient.connect(server.wsUrl);
    await display.call('hall.subscribe', { id: hallId }, 'd');
    assert.deepEqual(await admin.call('hall.rename', { id: hallId, name: 'Studio 10' }), { id: hallId, name: 'Studio 10' });
    const renamed = await display.waitFor((f) => f.eid === 'd' && f.status === 'snapshot' && f.data.name === 'Studio 10');
    assert.equal(renamed.data.seats.length, 60);
    assert.deepEqual(await admin.call('hall.delete', { id: hallId }), { id: hallId, deleted: true });
    await display.waitFor((f) => f.eid === 'd' && f.status === 'update' && f.data.deleted === true);
    assert.equal((await admin.request('hall.get', { id: hallId })).error, 'HallNotFound');
    assert.equal(await server.server.database.prisma.seat.count({ where: { hall_id: hallId } }), 0);
    await display.close();
  });

  it('creates and edits seat types, and refuses bad colours', async () => {
    const type = await admin.call('seat_type.create', { name: 'Loveseat', color: '#aa3377' });
    const edited = await admin.call('seat_type.update', { id: type.id, color: '#bb4488' });
    assert.equal(edited.color, '#bb4488');
    assert.equal((await admin.request('seat_type.create', { name: 'Loveseat', color: '#aa3377' })).error, 'NameTaken');
    assert.equal((await admin.request('seat_type.create', { name: 'Bad', color: 'red' })).error, 'ValidationError');
    assert.equal((await admin.request('seat_type.update', { id: 999_999, name: 'x' })).error, 'SeatTypeNotFound');
    assert.equal((await staff.request('seat_type.create', { name: 'Nope', color: '#000000' })).error, 'Forbidden');
  });

  it('keeps the cached list complete under a burst of concurrent creates', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `Burst ${i}`);
    await Promise.all(names.map((name) => admin.call('cinema.create', { name, color: '#102030' })));
    const hasAll = (list: { name: string }[]) => names.every((n) => list.some((c) => c.name === n));
    await watcher.waitFor((f) => f.eid === 'list' && f.status === 'snapshot' && hasAll(f.data));
    await new Promise((r) => setTimeout(r, 200));
    const lastPushed = watcher.pushes('list', 'snapshot').at(-1)!;
    assert.ok(hasAll(lastPushed.data), 'the last pushed list has every cinema');
    assert.ok(hasAll(await admin.call('cinemas.get_cinemas')), 'the cached list has every cinema');
    for (const cinema of (await admin.call('cinemas.get_cinemas')).filter((c: { name: string }) => names.includes(c.name))) {
      await admin.call('cinema.delete', { id: cinema.id });
    }
  });

  it('never pushes a snapshot older than an update already sent when a hall is renamed during seat changes', async () => {
    const cinemas = await admin.call('cinemas.get_cinemas');
    const hallId = cinemas[0].halls[0].id;
    const hall = await admin.call('hall.get', { id: hallId });
    // A rename is refused while seats are OCCUPIED: vacate them first.
    const occupied = hall.seats.filter((s: { status: string }) => s.status === 'OCCUPIED');
    await staff.call('hall.update_seat_status', { hall_id: hallId, seats: occupied.map((s: { id: number }) => ({ seat_id: s.id, status: 'VACANT' })) });
    for (const seat of occupied) seat.status = 'VACANT';
    const display = await TestClient.connect(server.wsUrl);
    await display.call('hall.subscribe', { id: hallId }, 'race');
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        const seat = hall.seats[100 + (i % 10)];
        seat.status = seat.status === 'MAINTENANCE' ? 'VACANT' : 'MAINTENANCE';
        await staff.call('hall.update_seat_status', { hall_id: hallId, seat_id: seat.id, status: seat.status });
      }
    })();
    let renamed = 0;
    const renames = (async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 5));
        if ((await admin.request('hall.rename', { id: hallId, name: `Hall 1 take ${i}` })).status === 'success') renamed++;
      }
    })();
    await Promise.all([writes, renames]);
    assert.equal(renamed, 5);
    const final = await admin.call('hall.get', { id: hallId });
    await display.waitFor((f) => f.eid === 'race' && f.data?.version === final.version && f.status !== 'success');
    let newest = 0;
    for (const frame of display.frames.filter((f) => f.eid === 'race')) {
      if (frame.status === 'update') newest = Math.max(newest, frame.data.version);
      if (frame.status === 'snapshot') {
        assert.ok(frame.data.version >= newest, `snapshot v${frame.data.version} after update v${newest}`);
        newest = frame.data.version;
      }
    }
    await display.close();
  });

  it('renames and deletes a cinema, pushing each change', async () => {
    const cinema = (await admin.call('cinemas.get_cinemas')).find((c: { name: string }) => c.name === 'Test Odeon');
    await admin.call('cinema.update', { id: cinema.id, name: 'Test Odeon II' });
    await watcher.waitFor((f) => f.eid === 'list' && f.status === 'snapshot' && f.data.some((c: { name: string }) => c.name === 'Test Odeon II'));
    await admin.call('cinema.delete', { id: cinema.id });
    await watcher.waitFor((f) => f.eid === 'list' && f.status === 'snapshot' && !f.data.some((c: { id: number }) => c.id === cinema.id));
    assert.equal((await admin.request('cinema.update', { id: cinema.id, name: 'Ghost' })).error, 'CinemaNotFound');
  });
});
