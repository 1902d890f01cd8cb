// The demo schedule: a new database's first start gets showings for today and tomorrow
// from its own clock (not from the day the template was built), and the lobby board
// lists today's coming ones; a database that already has showings is left alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoSchedule } from '../../src/demo/schedule.js';
import { createTestDatabase } from '../support/database.js';
import { ManualClock } from '../support/manual-clock.js';
import { startTestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Noon UTC of the day `days` from today. */
function noonUtc(days: number): number {
  const today = new Date();
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, 12);
}

describe('demo schedule', () => {
  it('plans the rest of today and all of tomorrow, without overlaps, nothing already over', () => {
    const now = noonUtc(0);
    const showings = demoSchedule([1, 2, 3], now, 'UTC');
    const today = showings.filter((s) => s.starts_at.getTime() < now + 12 * HOUR);
    assert.ok(today.length > 0, 'showings later today');
    assert.ok(showings.every((s) => s.ends_at.getTime() > now), 'none has ended');
    assert.ok(showings.every((s) => s.starts_at.getTime() < now + 36 * HOUR), 'today and tomorrow only');
    for (const hall of [1, 2, 3]) {
      const own = showings.filter((s) => s.hall_id === hall).sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
      for (let i = 1; i < own.length; i++) assert.ok(own[i]!.starts_at >= own[i - 1]!.ends_at, `hall ${hall}: no overlap`);
    }
    // The running showing at noon is kept (it has not ended), and halls do not all start at once.
    assert.notEqual(showings.find((s) => s.hall_id === 1)!.starts_at.getTime(), showings.find((s) => s.hall_id === 2)!.starts_at.getTime());
  });

  it('gives each new data folder a schedule from its own first start, and the lobby board lists it', async () => {
    for (const days of [0, 3]) {
      const database = await createTestDatabase();
      const clock = new ManualClock(noonUtc(days));
      const env = { SEED_DEMO_SCHEDULE: 'true', SCHEDULE_TIME_ZONE: 'UTC' };
      let server = await startTestServer({ database, clock, env });
      try {
        const rows = await server.server.database.sql<{ first: Date; last: Date; count: number }>(
          'SELECT min(starts_at) AS first, max(ends_at) AS last, count(*)::int AS count FROM showing',
          [],
        );
        const { first, last, count } = rows[0]!;
        assert.ok(count > 0);
        assert.ok(new Date(first).getTime() >= clock.now() - 2 * HOUR, `day +${days}: starts from the folder's first start, not the template's`);
        assert.ok(new Date(last).getTime() <= clock.now() + 2 * DAY);

        // Each showing's counts (the boards' seats left) equal its seats.
        const wrong = await server.server.database.sql<{ id: number }>(
          `SELECT sh.id FROM showing sh WHERE sh.seats_occupied <> (SELECT count(*) FROM showing_seat ss WHERE ss.showing_id = sh.id AND ss.status = 'OCCUPIED' AND NOT ss.maintenance)
             OR sh.seats_maintenance <> (SELECT count(*) FROM showing_seat ss WHERE ss.showing_id = sh.id AND ss.maintenance)`,
          [],
        );
        assert.deepEqual(wrong, []);

        const board = await TestClient.connect(server.wsUrl);
        const cinemas = await board.call('cinemas.get_cinemas');
        const schedule = await board.call('schedule.subscribe', { cinema_id: cinemas[0].id });
        assert.ok(schedule.showings.length > 0, 'the lobby board shows today\'s coming showings');
        assert.ok(schedule.showings.every((s: { starts_at: string }) => Date.parse(s.starts_at) > clock.now()));
        assert.ok(schedule.showings.some((s: { seats_left: number; seats_total: number }) => s.seats_left < s.seats_total), 'a lived-in day: some seats sold');
        // Halls run a showing now: the hall screen and the cinema list show its seats.
        const hall = await board.call('hall.get', { id: cinemas[0].halls[0].id });
        assert.notEqual(hall.showing, null);
        await board.close();

        // A restart adds nothing.
        await server.close();
        server = await startTestServer({ database, clock, env });
        const [again] = await server.server.database.sql<{ count: number }>('SELECT count(*)::int AS count FROM showing', []);
        assert.equal(again!.count, count);
      } finally {
        await server.close();
        await database.drop();
      }
    }
  });
});
