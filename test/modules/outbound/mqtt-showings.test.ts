// Showings on the MQTT bridge: a showing's changes on its own topic, gap-free, and the
// retained `current` topic of a hall naming the stream the hall shows, which moves at a
// showing boundary like hall.subscribe does (a clock the test moves).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userWithRole } from '../../support/auth.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MqttRecorder, SHARED_MQTT_URL, uniquePrefix } from '../../support/mqtt.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

const MINUTE = 60_000;

describe('MQTT bridge: showings', () => {
  const prefix = uniquePrefix();
  const clock = new ManualClock();
  const at = (minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();
  let server: TestServer;
  let device: MqttRecorder;
  let admin: TestClient;

  before(async () => {
    device = await MqttRecorder.connect(SHARED_MQTT_URL, `${prefix}/#`);
    server = await startTestServer({ clock, env: { MQTT_URL: SHARED_MQTT_URL, MQTT_TOPIC_PREFIX: prefix, OUTBOUND_SWEEP_MS: '200' } });
    const user = await userWithRole(server.url, server.server.database.prisma, 'mqtt_admin', 'admin');
    admin = await TestClient.connect(server.wsUrl, { cookie: user.cookie });
  });
  after(async () => {
    await admin?.close();
    await device?.close();
    await server?.close();
  });

  it('publishes a showing\'s versions on its topic and moves the hall\'s current stream at the boundary', async () => {
    const cinemas = await admin.call('cinemas.get_cinemas');
    const hallId = cinemas[0].halls[0].id;
    const hall = await admin.call('hall.get', { id: hallId });
    const currentTopic = `${prefix}/cinema/${cinemas[0].id}/hall/${hallId}/current`;
    const own = await device.waitFor((m) => m.topic === currentTopic, 'the hall\'s current stream');
    assert.deepEqual([own.payload.stream, own.payload.showing_id], [`hall:${hallId}`, null]);

    const [now, next] = (
      await admin.call('showing.bulk_create', {
        hall_id: hallId,
        showings: [
          { title: 'Now', starts_at: at(-1), ends_at: at(30) },
          { title: 'Next', starts_at: at(30), ends_at: at(120) },
        ],
      })
    ).showings;
    await device.waitFor((m) => m.topic === currentTopic && m.payload?.showing_id === now.id, 'current: the running showing');

    const vacant = hall.seats.filter((s: { status: string }) => s.status === 'VACANT').slice(0, 5);
    for (const seat of vacant) await admin.call('hall.update_seat_status', { hall_id: hallId, showing_id: next.id, seat_id: seat.id, status: 'OCCUPIED' });
    const stream = `showing:${next.id}`;
    const topic = `${prefix}/cinema/${cinemas[0].id}/hall/${hallId}/showing/${next.id}/changes`;
    await device.waitFor((m) => m.payload?.type === 'change' && m.payload.stream === stream && m.payload.version === 5, 'version 5 of the showing');
    const changes = device.messages.filter((m) => m.payload?.type === 'change' && m.payload.stream === stream);
    assert.deepEqual([...new Set(changes.map((m) => m.payload.version))], [1, 2, 3, 4, 5]);
    assert.ok(changes.every((m) => m.topic === topic && m.payload.showing_id === next.id));
    const snapshot = await device.waitFor((m) => m.payload?.type === 'snapshot' && m.payload.stream === stream && m.payload.version === 5, 'the showing\'s snapshot');
    assert.equal(snapshot.payload.seats.filter((s: { status: string }) => s.status === 'OCCUPIED').length, 5);

    clock.advanceTo(Date.parse(next.starts_at));
    const moved = await device.waitFor((m) => m.topic === currentTopic && m.payload?.showing_id === next.id, 'current: the next showing');
    assert.equal(moved.payload.stream, stream);
  });
});
