// Two server instances on one PostgreSQL, both with MQTT_URL: only the one holding the
// advisory lock publishes; killed mid-stream, the other takes over from the durable
// cursor and the device sees every version. Needs TEST_DATABASE_URL (PGlite is one process).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../support/auth.js';
import { createTestDatabase } from '../support/database.js';
import { firstHall, flipped, type HallSnapshot } from '../support/halls.js';
import { MqttRecorder, SHARED_MQTT_URL, uniquePrefix } from '../support/mqtt.js';
import { spawnServer, startTestServer, type ServerProcess, type TestDatabaseHandle, type TestServer } from '../support/server.js';
import { TestClient } from '../support/ws-client.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('MQTT publisher failover', { skip: onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  const prefix = uniquePrefix();
  const env = { MQTT_URL: SHARED_MQTT_URL, MQTT_TOPIC_PREFIX: prefix };
  let database: TestDatabaseHandle;
  let a: TestServer;
  let b: ServerProcess;
  let device: MqttRecorder;
  let staff: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    database = await createTestDatabase();
    device = await MqttRecorder.connect(SHARED_MQTT_URL, `${prefix}/#`);
    // B first, alone: it takes the lock.
    b = await spawnServer(database, env);
    await device.waitFor((m) => m.payload?.type === 'snapshot', "B's first snapshot");
    a = await startTestServer({ database, env: { ...env, WS_MESSAGES_PER_SECOND: '1000' } });
    const user = await userWithRole(a.url, a.server.database.prisma, 'failover_staff', 'staff');
    staff = await TestClient.connect(a.wsUrl, { cookie: user.cookie });
    hall = await firstHall(staff);
  });
  after(async () => {
    await staff?.close();
    await device?.close();
    await b?.stop('SIGKILL');
    await a?.close();
    await database?.drop();
  });

  it('takes over from a killed publisher with no gap', async () => {
    const stream = `hall:${hall.id}`;
    const first = await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.stream === stream, 'the snapshot of the hall');
    const start = first.payload.version as number;
    let i = 0;
    const flip = async () => {
      const seat = hall.seats[i++ % hall.seats.length]!;
      seat.status = flipped(seat.status);
      return (await staff.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status })).version as number;
    };
    const early = await Promise.all(Array.from({ length: 20 }, () => flip()));
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.version === Math.max(...early), 'the first versions, from B');
    assert.equal(a.logs.lines.some((line) => line.includes('leadership taken') && line.includes('"job":"mqtt"')), false, 'A stood by while B led');

    // Mid-stream: writes through A go on while B (the publisher) is killed.
    const writes = Promise.all(Array.from({ length: 30 }, () => flip()));
    assert.equal(await b.stop('SIGKILL'), null);
    const late = [...(await writes), ...(await Promise.all(Array.from({ length: 10 }, () => flip())))];
    const last = Math.max(...late);
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.version === last, `version ${last} from A`, 20_000);
    assert.ok(a.logs.lines.some((line) => line.includes('leadership taken') && line.includes('"job":"mqtt"')), 'A took the mqtt lock');
    const seen = device.changeVersions(stream);
    assert.deepEqual([...new Set(seen)], range(start + 1, last), 'every version, in order (a repeat allowed)');
  });
});
