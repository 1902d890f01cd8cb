// The MQTT bridge against real brokers: the shared Mosquitto (127.0.0.1:1883) for the
// stream and the retained snapshot, a throwaway one of this test's own to restart
// mid-stream. Every test uses its own topic prefix, so runs sharing the broker never mix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../../support/auth.js';
import { createTestDatabase } from '../../support/database.js';
import { firstHall, flipped, type HallSnapshot } from '../../support/halls.js';
import { MqttRecorder, SHARED_MQTT_URL, throwawayMosquitto, uniquePrefix, type Mosquitto } from '../../support/mqtt.js';
import { freePort, startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

/** The hall's log as the database has it: version -> seats, as the change payload carries them. */
async function logOf(server: TestServer, hallId: number, afterVersion: number) {
  const events = await server.server.database.prisma.seatEvent.findMany({ where: { hall_id: hallId, version: { gt: afterVersion } }, orderBy: [{ version: 'asc' }, { seat_id: 'asc' }] });
  const byVersion = new Map<number, { id: number; old_status: string; status: string; updated_at: string }[]>();
  for (const e of events) {
    const seats = byVersion.get(e.version) ?? [];
    seats.push({ id: e.seat_id, old_status: e.old_status, status: e.new_status, updated_at: e.created_at.toISOString() });
    byVersion.set(e.version, seats);
  }
  return byVersion;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function staffOn(server: TestServer, name: string) {
  const user = await userWithRole(server.url, server.server.database.prisma, name, 'staff');
  const client = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
  return { client, hall: await firstHall(client) };
}

function flipper(client: TestClient, hall: HallSnapshot) {
  let i = 0;
  return async (): Promise<number> => {
    const seat = hall.seats[i++ % hall.seats.length]!;
    seat.status = flipped(seat.status);
    return (await client.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status })).version;
  };
}

describe('MQTT bridge on the shared broker', () => {
  const prefix = uniquePrefix();
  let server: TestServer;
  let device: MqttRecorder;
  let staff: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    device = await MqttRecorder.connect(SHARED_MQTT_URL, `${prefix}/#`);
    server = await startTestServer({ env: { MQTT_URL: SHARED_MQTT_URL, MQTT_TOPIC_PREFIX: prefix } });
    ({ client: staff, hall } = await staffOn(server, 'mqtt_staff'));
  });
  after(async () => {
    await staff?.close();
    await device?.close();
    await server?.close();
  });

  it('publishes every version of a stream of changes, gap-free and equal to the database', async () => {
    const stream = `hall:${hall.id}`;
    const first = await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.stream === stream, 'the first snapshot');
    assert.match(first.topic, new RegExp(`^${prefix}/cinema/\\d+/hall/${hall.id}/snapshot$`));
    const start = first.payload.version as number;
    const flip = flipper(staff, hall);
    const versions = await Promise.all(Array.from({ length: 40 }, () => flip()));
    const last = Math.max(...versions);
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.stream === stream && m.payload.version === last, `version ${last}`);
    assert.deepEqual(device.changeVersions(stream), range(start + 1, last));
    const log = await logOf(server, hall.id, start);
    for (const message of device.messages.filter((m) => m.payload?.type === 'change')) {
      assert.equal(message.topic, `${prefix}/cinema/${message.payload.cinema_id}/hall/${hall.id}/changes`);
      assert.equal(message.retain, false);
      assert.deepEqual(message.payload.seats, log.get(message.payload.version), `version ${message.payload.version} as in seat_event`);
    }
  });

  it('gives a device that subscribes late the retained snapshot of the current state', async () => {
    const stream = `hall:${hall.id}`;
    const flip = flipper(staff, hall);
    const last = Math.max(await flip(), await flip());
    // The bridge publishes the snapshot after the changes; wait until it has.
    await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.stream === stream && m.payload.version >= last, 'the newest snapshot');
    const late = await MqttRecorder.connect(SHARED_MQTT_URL, `${prefix}/cinema/+/hall/${hall.id}/snapshot`);
    try {
      const retained = await late.waitFor((m) => m.payload?.stream === stream, 'the retained snapshot');
      assert.equal(retained.retain, true);
      const row = await server.server.database.prisma.hall.findUniqueOrThrow({ where: { id: hall.id } });
      assert.equal(retained.payload.version, row.version);
      const seats = await server.server.database.prisma.seat.findMany({ where: { hall_id: hall.id }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        retained.payload.seats.map((s: any) => [s.id, s.status]),
        seats.map((s) => [s.id, s.status]),
      );
    } finally {
      await late.close();
    }
  });
});

describe('MQTT bridge with the broker unreachable', () => {
  it('serves, logs the broker error once, and shuts down at once', async () => {
    const port = await freePort();
    const server = await startTestServer({ env: { MQTT_URL: `mqtt://nobody:hidden-password@127.0.0.1:${port}`, MQTT_TOPIC_PREFIX: uniquePrefix() } });
    try {
      assert.equal((await fetch(`${server.url}/ready`)).status, 200);
      const staff = await staffOn(server, 'mqtt_offline_staff');
      await flipper(staff.client, staff.hall)();
      await staff.client.close();
      await server.server.outbound.mqtt!.idle();
    } finally {
      const started = Date.now();
      await server.close();
      assert.ok(Date.now() - started < 5_000, 'close does not wait for the broker');
    }
    const errors = server.logs.lines.filter((line) => line.includes('mqtt error'));
    assert.ok(errors.length <= 1, errors.join('\n'));
    assert.equal(server.logs.text().includes('hidden-password'), false, 'broker credentials are never logged');
  });
});

describe('MQTT bridge through a broker restart', () => {
  const prefix = uniquePrefix();
  let broker: Mosquitto;
  let server: TestServer;
  let device: MqttRecorder;
  let staff: TestClient;
  let hall: HallSnapshot;

  before(async () => {
    broker = throwawayMosquitto(await freePort());
    await broker.start();
    // A persistent session: what is published while the device is still reconnecting waits for it on the broker.
    device = await MqttRecorder.connect(broker.url, `${prefix}/#`, { clientId: `device-${process.pid}`, clean: false });
    server = await startTestServer({ env: { MQTT_URL: broker.url, MQTT_TOPIC_PREFIX: prefix } });
    ({ client: staff, hall } = await staffOn(server, 'mqtt_restart_staff'));
  });
  after(async () => {
    await staff?.close();
    await device?.close();
    await server?.close();
    await broker?.stop();
  });

  it('publishes what was committed while the broker was down, from the cursor, skipping nothing', async () => {
    const stream = `hall:${hall.id}`;
    const first = await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.stream === stream, 'the first snapshot');
    const start = first.payload.version as number;
    const flip = flipper(staff, hall);
    const before = await Promise.all(Array.from({ length: 10 }, () => flip()));
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.version === Math.max(...before), 'the versions before the outage');
    // Mid-stream: the broker goes away while writes go on.
    const during = flip();
    await broker.stop();
    const whileDown = [await during, ...(await Promise.all(Array.from({ length: 10 }, () => flip())))];
    await broker.start();
    const after = await Promise.all(Array.from({ length: 5 }, () => flip()));
    const last = Math.max(...whileDown, ...after);
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.version === last, `version ${last} after the restart`, 20_000);
    // A version may come twice (published, broker gone before the cursor moved); never missing, never out of order.
    const seen = device.changeVersions(stream);
    assert.deepEqual([...new Set(seen)], range(start + 1, last));
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]! || seen.slice(0, i).includes(seen[i]!), `order at ${i}: ${seen.join(',')}`);
    // Whatever was sent twice carries the same content.
    const log = await logOf(server, hall.id, start);
    for (const m of device.messages.filter((x) => x.payload?.type === 'change')) assert.deepEqual(m.payload.seats, log.get(m.payload.version));
    // And the snapshot, retained again on the restarted broker, is the database's.
    await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.version === last, 'the snapshot after the restart');
  });
});
