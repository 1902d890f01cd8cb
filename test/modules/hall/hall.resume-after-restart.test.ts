// After a restart the in-memory ring is empty: a display resuming at the version it
// already has, or a few behind, resumes from the durable log (resumed: true), instead of
// downloading the whole hall again. Every screen reconnecting after a deploy does this.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { firstHall, flipped } from '../../support/halls.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

describe('hall resume after a restart', () => {
  let database: TestDatabase;
  let server: TestServer;
  let hallId: number;
  let version: number;

  before(async () => {
    database = await createTestDatabase();
    const first = await startTestServer({ database });
    const staff = await userWithRole(first.url, first.server.database.prisma, 'resumestaff', 'staff');
    const client = await TestClient.connect(first.wsUrl, { cookie: staff.cookie });
    const hall = await firstHall(client);
    hallId = hall.id;
    for (const seat of hall.seats.slice(0, 2)) {
      version = (await client.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: flipped(seat.status) })).version;
    }
    await client.close();
    await first.close();
    server = await startTestServer({ database });
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  it('resumes at the current version with nothing to send', async () => {
    const display = await TestClient.connect(server.wsUrl);
    const reply = await display.request('hall.subscribe', { id: hallId, since_version: version });
    assert.deepEqual([reply.status, reply.data], ['success', { id: hallId, showing_id: null, version, resumed: true }]);
    await display.close();
  });

  it('resumes a version behind with that one update from the log', async () => {
    const display = await TestClient.connect(server.wsUrl);
    const reply = await display.request('hall.subscribe', { id: hallId, since_version: version - 1 }, 'behind');
    assert.deepEqual([reply.status, reply.data?.resumed], ['success', true]);
    const update = await display.waitForVersion('behind', version);
    assert.equal(update.data.version, version);
    await display.close();
  });
});
