// Holds against a real database, through the service the REST API calls: all or nothing,
// a held seat cannot be held or sold by anyone else, confirm and release are versioned
// changes pushed like any other, an expired hold frees its seats by itself, exactly once
// (on PostgreSQL also with two instances sweeping), and 200 concurrent holders racing for
// overlapping seats never share a seat.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Holder } from '../../../src/modules/hold/index.js';
import { userWithRole } from '../../support/auth.js';
import { createTestDatabase } from '../../support/database.js';
import { startTestServer, type TestDatabaseHandle, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const MINUTE = 60_000;
const onPostgres = process.env.TEST_DATABASE_URL !== undefined;
const boxOffice: Holder = { kind: 'api_key', id: 1, name: 'Box office A' };
const otherOffice: Holder = { kind: 'api_key', id: 2, name: 'Box office B' };

describe('holds', () => {
  let database: TestDatabaseHandle;
  let server: TestServer;
  let staff: TestClient;
  let hallId: number;
  let seatIds: number[];

  before(async () => {
    database = await createTestDatabase();
    // A fast sweep so expiry is seen quickly; expiry itself is due by the database clock.
    server = await startTestServer({ database, env: { HOLD_SWEEP_MS: '50' } });
    const user = await userWithRole(server.url, server.server.database.prisma, 'hold_staff', 'admin');
    staff = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
    const cinemas = await staff.call('cinemas.get_cinemas');
    hallId = cinemas[0].halls[0].id;
    const hall = await staff.call('hall.get', { id: hallId });
    seatIds = hall.seats.filter((s: { status: string }) => s.status !== 'MAINTENANCE').map((s: { id: number }) => s.id);
  });
  after(async () => {
    await staff.close();
    await server.close();
    await database.drop();
  });

  let slot = 0;
  /** A showing of its own for each test, hours apart. */
  async function newShowing(): Promise<{ id: number }> {
    const start = Date.now() + (60 + 300 * slot++) * MINUTE;
    return staff.call('showing.create', { hall_id: hallId, title: `Hold test ${slot}`, starts_at: new Date(start).toISOString(), ends_at: new Date(start + 120 * MINUTE).toISOString() });
  }

  const holds = () => server.server.holds.service;

  async function rejects(promise: Promise<unknown>, code: string): Promise<any> {
    try {
      await promise;
    } catch (error) {
      assert.equal((error as { code?: string }).code, code, String(error));
      return error;
    }
    assert.fail(`expected ${code}`);
  }

  it('holds all or nothing, refuses held seats to everyone else, and confirms or releases as versioned changes', async () => {
    const showing = await newShowing();
    const watcher = await TestClient.connect(server.wsUrl);
    await watcher.request('showing.subscribe', { id: showing.id }, 'w');
    const [a, b, c] = seatIds as [number, number, number];

    const hold = await holds().create(showing.id, { seat_ids: [a, b], ttl_seconds: 60 }, boxOffice);
    assert.deepEqual([hold.status, hold.seat_ids, hold.version, hold.holder], ['active', [a, b], 1, 'Box office A']);
    assert.ok(Date.parse(hold.expires_at) > Date.now() + 50_000);
    const held = await watcher.waitForVersion('w', 1);
    assert.deepEqual(held.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[a, 'HELD'], [b, 'HELD']]);

    // Overlapping hold: nothing held, the conflict names the seats.
    const refused = await rejects(holds().create(showing.id, { seat_ids: [b, c], ttl_seconds: 60 }, otherOffice), 'SeatsUnavailable');
    assert.deepEqual(refused.details, { seat_ids: [b] });
    const map = await staff.call('showing.get', { id: showing.id });
    assert.equal(map.seats.find((s: { id: number }) => s.id === c).status, 'VACANT', 'all or nothing');
    // Staff cannot sell or free it either.
    const sale = await staff.request('hall.update_seat_status', { hall_id: hallId, showing_id: showing.id, seat_id: a, status: 'OCCUPIED' });
    assert.deepEqual([sale.status, sale.error, sale.data.seat_ids], ['error', 'SeatsUnavailable', [a]]);
    // Another box office cannot see or confirm it.
    await rejects(holds().confirm(hold.id, otherOffice), 'HoldNotFound');
    // Staff see who holds what.
    const listed = await staff.call('hold.list', { showing_id: showing.id });
    assert.deepEqual(listed.holds.map((h: { id: string; holder: string }) => [h.id, h.holder]), [[hold.id, 'Box office A']]);

    const confirmed = await holds().confirm(hold.id, boxOffice);
    assert.deepEqual([confirmed.status, confirmed.version], ['confirmed', 2]);
    const sold = await watcher.waitForVersion('w', 2);
    assert.deepEqual(sold.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[a, 'OCCUPIED'], [b, 'OCCUPIED']]);
    await rejects(holds().release(hold.id, boxOffice), 'HoldNotActive');

    const second = await holds().create(showing.id, { seat_ids: [c], ttl_seconds: 60 }, otherOffice);
    const released = await holds().release(second.id, otherOffice);
    assert.deepEqual([released.status, released.version], ['released', 4]);
    const freed = await watcher.waitForVersion('w', 4);
    assert.deepEqual(freed.data.seats.map((s: { id: number; status: string }) => [s.id, s.status]), [[c, 'VACANT']]);
    const list = await staff.call('showing.list', { hall_id: hallId });
    const row = list.showings.find((s: { id: number }) => s.id === showing.id);
    assert.equal(row.seats_left, row.seats_total - 2 - (await staff.call('showing.get', { id: showing.id })).seats.filter((s: { status: string }) => s.status === 'MAINTENANCE').length);
    await watcher.close();
  });

  it('expires a hold by itself once its time has passed in the database, once', async () => {
    const showing = await newShowing();
    const watcher = await TestClient.connect(server.wsUrl);
    await watcher.request('showing.subscribe', { id: showing.id }, 'e');
    const hold = await holds().create(showing.id, { seat_ids: seatIds.slice(0, 3), ttl_seconds: 600 }, boxOffice);
    // Time passes in the database: the hold's expiry is moved into the past there.
    await server.server.database.sql(`UPDATE hold SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, [hold.id]);
    const expired = await watcher.waitForVersion('e', 2);
    assert.ok(expired.data.seats.every((s: { status: string }) => s.status === 'VACANT'));
    const after = await holds().get(hold.id, boxOffice);
    assert.deepEqual([after.status, after.version], ['expired', 2]);
    await rejects(holds().confirm(hold.id, boxOffice), 'HoldNotActive');
    const events = await server.server.database.sql<{ versions: number }>(
      'SELECT count(DISTINCT version)::int AS versions FROM showing_event WHERE showing_id = $1',
      [showing.id],
    );
    assert.equal(events[0]!.versions, 2, 'held once, expired once');
    await watcher.close();
  });

  it('lets 200 concurrent holders race for overlapping seats: no seat held twice, every loser told which seats', async () => {
    const showing = await newShowing();
    const pool = seatIds.slice(0, 40);
    const requests = Array.from({ length: 200 }, (_, i) => {
      // Three seats each, overlapping their neighbours'.
      const wanted = [pool[i % 40]!, pool[(i + 1) % 40]!, pool[(i * 7 + 3) % 40]!].filter((id, j, all) => all.indexOf(id) === j);
      const holder: Holder = { kind: 'api_key', id: 1000 + i, name: `client ${i}` };
      return holds()
        .create(showing.id, { seat_ids: wanted, ttl_seconds: 120 }, holder)
        .then(
          (hold) => ({ ok: true as const, hold, wanted }),
          (error: { code?: string; details?: { seat_ids?: number[] } }) => ({ ok: false as const, error, wanted }),
        );
    });
    const results = await Promise.all(requests);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    const heldSeats = winners.flatMap((r) => (r.ok ? r.hold.seat_ids : []));
    assert.equal(new Set(heldSeats).size, heldSeats.length, 'no seat held twice');
    assert.ok(winners.length > 0);
    for (const loser of losers) {
      if (loser.ok) continue;
      assert.equal(loser.error.code, 'SeatsUnavailable');
      const named = loser.error.details?.seat_ids ?? [];
      assert.ok(named.length > 0 && named.every((id) => loser.wanted.includes(id) && heldSeats.includes(id)), 'the conflict names seats someone else holds');
    }
    // The database agrees, and the showing's log has one version per winner, gap-free.
    const rows = await server.server.database.sql<{ seat_id: number; hold_id: string }>(
      `SELECT seat_id, hold_id::text FROM showing_seat WHERE showing_id = $1 AND status = 'HELD' ORDER BY seat_id`,
      [showing.id],
    );
    assert.deepEqual(rows.map((r) => r.seat_id), [...heldSeats].sort((x, y) => x - y));
    const [versions] = await server.server.database.sql<{ version: number; count: number; min: number }>(
      'SELECT sh.version, (SELECT count(DISTINCT version)::int FROM showing_event WHERE showing_id = sh.id) AS count, (SELECT min(version) FROM showing_event WHERE showing_id = sh.id) AS min FROM showing sh WHERE sh.id = $1',
      [showing.id],
    );
    assert.deepEqual([versions!.version, versions!.count, versions!.min], [winners.length, winners.length, 1]);
  });

  it('expires each hold exactly once with two instances sweeping', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, async () => {
    const other = await startTestServer({ database, env: { HOLD_SWEEP_MS: '50' } });
    const expiredBefore = server.server.holds.expiry.expired;
    try {
      const showing = await newShowing();
      const made = await Promise.all(seatIds.slice(0, 20).map((seat, i) => holds().create(showing.id, { seat_ids: [seat], ttl_seconds: 600 }, { kind: 'api_key', id: 500 + i, name: `k${i}` })));
      await server.server.database.sql(`UPDATE hold SET expires_at = now() - interval '1 second' WHERE showing_id = $1`, [showing.id]);
      const watcher = await TestClient.connect(other.wsUrl);
      const snap = await watcher.call('showing.subscribe', { id: showing.id }, 'x');
      if (snap.version < 40) await watcher.waitForVersion('x', 40, 15_000);
      const rows = await server.server.database.sql<{ status: string; n: number }>('SELECT status::text, count(*)::int AS n FROM hold WHERE showing_id = $1 GROUP BY status', [showing.id]);
      assert.deepEqual(rows, [{ status: 'expired', n: made.length }]);
      const [log] = await server.server.database.sql<{ versions: number; events: number }>(
        'SELECT count(DISTINCT version)::int AS versions, count(*)::int AS events FROM showing_event WHERE showing_id = $1',
        [showing.id],
      );
      assert.deepEqual([log!.versions, log!.events], [40, 40], 'each hold held once and expired once');
      assert.equal(server.server.holds.expiry.expired - expiredBefore + other.server.holds.expiry.expired, made.length);
      await watcher.close();
    } finally {
      await other.close();
    }
  });
});
