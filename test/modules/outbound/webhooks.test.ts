// Webhooks end to end: admins register endpoints over the socket, a local receiver gets
// every committed change signed (checked here with node:crypto directly, not with the
// server's code) and in order, through an outage, backoff and disabling driven by a
// clock the test moves; private destinations and redirects are refused.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sendWebhook } from '../../../src/modules/outbound/webhook-sender.js';
import { userWithRole } from '../../support/auth.js';
import { firstHall, flipped, type HallSnapshot } from '../../support/halls.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { ManualClock } from '../../support/manual-clock.js';
import { WebhookReceiver, type Hook } from '../../support/webhook-receiver.js';
import { TestClient } from '../../support/ws-client.js';

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** The Standard Webhooks check a receiver does, written out independently of src/. */
function signatureHolds(secret: string, hook: Hook): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${hook.headers['webhook-id']}.${hook.headers['webhook-timestamp']}.${hook.raw}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(hook.headers['webhook-signature']).split(' ').includes(expected);
}

async function adminOn(server: TestServer, name: string) {
  const user = await userWithRole(server.url, server.server.database.prisma, name, 'admin');
  return TestClient.connect(server.wsUrl, { cookie: user.cookie });
}

describe('webhooks', () => {
  const clock = new ManualClock();
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: TestClient;
  let hall: HallSnapshot;
  let secret: string;
  let endpointId: number;
  let registeredAt: number;
  let i = 0;

  const flip = async (): Promise<number> => {
    const seat = hall.seats[i++ % hall.seats.length]!;
    seat.status = flipped(seat.status);
    return (await admin.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status })).version;
  };
  const versionsOf = (hooks: Hook[]) => hooks.filter((h) => h.body.data.hall_id === hall.id).map((h) => h.body.data.version as number);
  const failures = () => receiver.requests.filter((r) => r.path === '/hook' && r.status === 503).length;

  before(async () => {
    receiver = await WebhookReceiver.start();
    server = await startTestServer({
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_DISABLE_AFTER_SECONDS: '3600', WS_MESSAGES_PER_SECOND: '1000' },
      clock,
    });
    admin = await adminOn(server, 'hook_admin');
    hall = await firstHall(admin);
    registeredAt = hall.version;
    const created = await admin.call('webhook.create', { url: `${receiver.url}/hook`, events: ['hall.changed'], description: 'test receiver' });
    secret = created.secret;
    endpointId = created.endpoint.id;
  });
  after(async () => {
    await admin?.close();
    await server?.close();
    await receiver?.close();
  });

  it('shows the secret once, keeps it out of the list and the logs', async () => {
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const { endpoints } = await admin.call('webhook.list');
    assert.equal(endpoints.length, 1);
    assert.equal(JSON.stringify(endpoints).includes(secret.slice(6)), false);
    assert.equal(endpoints[0].enabled, true);
    const stored = await server.server.database.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    assert.equal(stored.secret.includes(secret.slice(6)), false, 'sealed at rest');
  });

  it('POSTs every committed change, signed, in order, equal to the database', async () => {
    const versions = await Promise.all(Array.from({ length: 15 }, () => flip()));
    const last = Math.max(...versions);
    await receiver.waitFor(() => versionsOf(receiver.accepted()).includes(last), `version ${last}`);
    const hooks = receiver.accepted();
    assert.deepEqual(versionsOf(hooks), range(registeredAt + 1, last));
    const events = await server.server.database.prisma.seatEvent.findMany({ where: { hall_id: hall.id, version: { gt: registeredAt } }, orderBy: [{ version: 'asc' }, { seat_id: 'asc' }] });
    for (const hook of hooks) {
      assert.ok(signatureHolds(secret, hook), `signature of ${hook.headers['webhook-id']}`);
      assert.equal(hook.headers['content-type'], 'application/json');
      assert.equal(Number(hook.headers['webhook-timestamp']), Math.floor(clock.now() / 1000));
      assert.equal(hook.body.type, 'hall.changed');
      assert.equal(hook.headers['webhook-id'], `msg_hall_${hall.id}_v${hook.body.data.version}`);
      const seats = events.filter((e) => e.version === hook.body.data.version).map((e) => ({ id: e.seat_id, old_status: e.old_status, status: e.new_status, updated_at: e.created_at.toISOString() }));
      assert.deepEqual(hook.body.data.seats, seats);
    }
    // A tampered body fails the same check.
    assert.equal(signatureHolds(secret, { ...hooks[0]!, raw: hooks[0]!.raw.replace('"version"', '"version" ') }), false);
    assert.equal(server.logs.text().includes(secret.slice(6)), false, 'the secret is never logged');
  });

  it('retries with backoff while the receiver is down, then delivers everything in order', async () => {
    const before = versionsOf(receiver.accepted()).at(-1)!;
    receiver.down = true;
    const whileDown = await Promise.all(Array.from({ length: 5 }, () => flip()));
    await receiver.waitFor(() => failures() >= 1, 'the first failed attempt');
    await server.server.outbound.webhooks.idle();
    // The failed version is retried only when the backoff (1 s, then 2 s) has passed:
    // a pass before that (a sweep, a commit) leaves the endpoint alone.
    server.server.outbound.webhooks.wake();
    await server.server.outbound.webhooks.idle();
    assert.equal(failures(), 1, 'no retry before the backoff has passed');
    clock.advance(1_000);
    await receiver.waitFor(() => failures() >= 2, 'the retry after 1 s');
    await server.server.outbound.webhooks.idle();
    const { deliveries } = await admin.call('webhook.deliveries', { id: endpointId, limit: 5 });
    assert.equal(deliveries[0].ok, false);
    assert.equal(deliveries[0].status_code, 503);
    assert.equal(deliveries[0].version, before + 1, 'the oldest undelivered version is retried, never a later one');
    const { endpoints } = await admin.call('webhook.list');
    assert.notEqual(endpoints[0].failing_since, null);

    receiver.down = false;
    const more = await Promise.all(Array.from({ length: 3 }, () => flip()));
    const last = Math.max(...whileDown, ...more);
    clock.advance(2_000);
    await receiver.waitFor(() => versionsOf(receiver.accepted()).includes(last), `version ${last} after the outage`);
    assert.deepEqual(versionsOf(receiver.accepted()), range(registeredAt + 1, last));
    await server.server.outbound.webhooks.idle();
    assert.equal((await admin.call('webhook.list')).endpoints[0].failing_since, null, 'a success ends the failure run');
  });

  it('disables an endpoint failing for WEBHOOK_DISABLE_AFTER_SECONDS, says why, and resumes it when re-enabled', async () => {
    const delivered = versionsOf(receiver.accepted()).at(-1)!;
    receiver.down = true;
    const failed = failures();
    await flip();
    await receiver.waitFor(() => failures() > failed, 'a failed attempt');
    await server.server.outbound.webhooks.idle();
    clock.advance(3_600_000);
    await receiver.waitFor(() => failures() > failed + 1, 'the attempt an hour later');
    await server.server.outbound.webhooks.idle();
    const [endpoint] = (await admin.call('webhook.list')).endpoints;
    assert.equal(endpoint.enabled, false);
    assert.match(endpoint.disabled_reason, /^disabled after failing since .* \(3600 s without a successful delivery\); last error: HTTP 503$/);

    receiver.down = false;
    const last = Math.max(await flip(), await flip());
    const updated = await admin.call('webhook.update', { id: endpointId, enabled: true });
    assert.equal(updated.enabled, true);
    assert.equal(updated.disabled_reason, null);
    await receiver.waitFor(() => versionsOf(receiver.accepted()).includes(last), `version ${last} after re-enabling`);
    assert.deepEqual(versionsOf(receiver.accepted()), range(registeredAt + 1, last));
    assert.ok(last > delivered);
  });

  it('does not follow a redirect', async () => {
    const result = await sendWebhook({ url: `${receiver.url}/redirect`, headers: {}, body: '{}', timeoutMs: 5_000, allowPrivate: true });
    assert.equal(result.ok, false);
    assert.equal(result.status, 302);
    assert.match(result.error!, /redirect to .*\/redirect-target not followed/);
    assert.equal(receiver.requests.filter((r) => r.path === '/redirect-target').length, 0);
  });

  it('answers bad input with typed errors', async () => {
    const missing = await admin.request('webhook.update', { id: 999_999, enabled: true });
    assert.equal(missing.error, 'WebhookNotFound');
    const badSecret = await admin.request('webhook.create', { url: `${receiver.url}/hook`, events: ['hall.changed'], secret: 'whsec_short' });
    assert.equal(badSecret.error, 'ValidationError');
    const badEvent = await admin.request('webhook.create', { url: `${receiver.url}/hook`, events: ['nope'] });
    assert.equal(badEvent.error, 'ValidationError');
    const deleted = await admin.call('webhook.create', { url: `${receiver.url}/other`, events: ['hall.changed'] });
    assert.deepEqual(await admin.call('webhook.delete', { id: deleted.endpoint.id }), { id: deleted.endpoint.id, deleted: true });
    assert.equal((await admin.request('webhook.deliveries', { id: deleted.endpoint.id })).error, 'WebhookNotFound');
  });
});

describe('webhook destinations without WEBHOOK_ALLOW_PRIVATE', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: TestClient;

  before(async () => {
    receiver = await WebhookReceiver.start();
    server = await startTestServer();
    admin = await adminOn(server, 'hook_admin2');
  });
  after(async () => {
    await admin?.close();
    await server?.close();
    await receiver?.close();
  });

  it('refuses private, loopback and link-local destinations, by address and by name, and non-http URLs', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      `http://[::1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/hook',
      'http://192.168.1.1/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
      'ftp://example.com/hook',
      'http://user:password@example.com/hook',
      'not a url',
    ]) {
      const reply = await admin.request('webhook.create', { url, events: ['hall.changed'] });
      assert.equal(reply.error, 'WebhookUrlRefused', url);
      assert.equal(typeof reply.data.reason, 'string');
    }
    assert.equal((await admin.call('webhook.list')).endpoints.length, 0);
  });

  it('refuses them again at delivery, before connecting (a name that resolves privately later)', async () => {
    const result = await sendWebhook({ url: `${receiver.url.replace('127.0.0.1', 'localhost')}/hook`, headers: {}, body: '{}', timeoutMs: 5_000, allowPrivate: false });
    assert.equal(result.ok, false);
    assert.match(result.error!, /^refused: localhost resolves to .*private, loopback or link-local/);
    assert.equal(receiver.requests.length, 0);
  });
});
