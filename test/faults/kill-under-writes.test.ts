// kill -9 of a server under writes (PGlite or PostgreSQL, whichever the suite runs on):
// every change it acknowledged is in the database after the restart, and a display that
// resumes with since_version on the new process sees every version exactly once, in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { firstHall, flipped, type HallSnapshot } from '../support/halls.js';
import { spawnServer, startTestServer, type ServerProcess } from '../support/server.js';
import { TestClient, type Frame } from '../support/ws-client.js';

const WRITERS = 3;
/** Acknowledged changes before the kill. */
const ACKED_BEFORE_KILL = 150;
const DISPLAY_LEAVES_AT = 50;
// The writers send as fast as the server answers, so on a fast machine they outrun the
// per-connection message limit; the limit is not under test here (test/core/ws is).
const UNLIMITED = { WS_MESSAGES_PER_SECOND: '1000000' };

describe('kill -9 under writes', () => {
  let database: TestDatabase;
  let cookie: string;
  let hall: HallSnapshot;
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;

  before(async () => {
    database = await createTestDatabase();
    // Users and the hall are set up in-process, then the database is handed to a child.
    const setup = await startTestServer({ database });
    cookie = (await userWithRole(setup.url, setup.server.database.prisma, 'killstaff', 'staff')).cookie;
    const client = await TestClient.connect(setup.wsUrl);
    hall = await firstHall(client);
    await client.close();
    await setup.close();
  });
  after(async () => {
    await first?.stop('SIGKILL');
    await second?.stop();
    await database.drop();
  });

  it('keeps every acknowledged change and resumes subscribers without a gap', async () => {
    first = await spawnServer(database, UNLIMITED);
    const display = await TestClient.connect(first.wsUrl);
    const snapshot = await display.request('hall.subscribe', { id: hall.id }, 'display');
    const startVersion = snapshot.data.version as number;

    const acked: Frame[] = [];
    let reachedTarget!: () => void;
    const target = new Promise<void>((resolve) => (reachedTarget = resolve));
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => TestClient.connect(first!.wsUrl, { cookie })));
    // Each writer owns a third of the seats and flips them one change after another.
    const loops = writers.map(async (writer, w) => {
      const seats = hall.seats.filter((_, i) => i % WRITERS === w);
      for (let n = 0; ; n++) {
        const seat = seats[n % seats.length]!;
        const status = flipped(seat.status);
        const reply = await Promise.race([writer.request('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status }).catch(() => null), writer.closed.then(() => null)]);
        if (reply === null || writer.closeCode !== undefined) return;
        assert.equal(reply.status, 'success', JSON.stringify(reply));
        seat.status = status;
        acked.push(reply);
        // The display drops off early, so it has versions to resume from the log after the crash.
        if (acked.length === DISPLAY_LEAVES_AT) void display.close();
        if (acked.length === ACKED_BEFORE_KILL) reachedTarget();
      }
    });
    await target;
    first.child.kill('SIGKILL');
    await Promise.all(loops);
    await first.stop();
    first = undefined;
    await display.closed;
    const seenBefore = display.pushes('display', 'update').map((f) => f.data.version as number);

    second = await spawnServer(database, UNLIMITED);
    const resumedDisplay = await TestClient.connect(second.wsUrl);
    const lastSeen = seenBefore.at(-1) ?? startVersion;
    const resumed = await resumedDisplay.request('hall.subscribe', { id: hall.id, since_version: lastSeen }, 'display');
    assert.deepEqual([resumed.status, resumed.data.resumed], ['success', true], JSON.stringify(resumed.data).slice(0, 200));

    // Every acknowledged change is in the durable log, with the seat and status it acknowledged.
    const staff = await TestClient.connect(second.wsUrl, { cookie });
    const logged = new Map<string, string>();
    let beforeVersion: number | undefined;
    do {
      const page = await staff.call('hall.history', { hall_id: hall.id, limit: 500, ...(beforeVersion ? { before_version: beforeVersion } : {}) });
      for (const event of page.events) logged.set(`${event.version}:${event.seat_id}`, event.new_status);
      beforeVersion = page.next_before_version ?? undefined;
    } while (beforeVersion !== undefined && beforeVersion > startVersion + 1);
    const missing = acked.filter((reply) => reply.data.seats.some((s: { id: number; status: string }) => logged.get(`${reply.data.version}:${s.id}`) !== s.status));
    assert.deepEqual(missing.map((r) => r.data.version), [], `of ${acked.length} acknowledged changes, these are not in the database`);

    // The display: what it saw before the kill, then what it resumed with, is every version once.
    const current = (await staff.call('hall.get', { id: hall.id })).version as number;
    if (current > lastSeen) await resumedDisplay.waitForVersion('display', current);
    const seenAfter = resumedDisplay.pushes('display', 'update').map((f) => f.data.version as number);
    const versions = [...seenBefore, ...seenAfter];
    const expected = Array.from({ length: current - startVersion }, (_, i) => startVersion + 1 + i);
    assert.deepEqual(versions, expected, 'versions seen across the crash');
    await staff.close();
    await resumedDisplay.close();
    for (const writer of writers) await writer.close();
  });
});
