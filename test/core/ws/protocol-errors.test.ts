// Every malformed input gets its documented error and the connection (and the server)
// keeps serving; repeated abuse is closed with the documented code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient } from '../../support/ws-client.js';

describe('protocol errors', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: '20', WS_MAX_PAYLOAD_BYTES: '2048' } });
  });
  after(() => server.close());

  async function assertStillServes(client: TestClient) {
    const cinemas = await client.call('cinemas.get_cinemas');
    assert.ok(Array.isArray(cinemas) && cinemas.length > 0);
  }

  it('answers bad JSON with InvalidJson and keeps the connection', async () => {
    const client = await TestClient.connect(server.wsUrl);
    client.sendRaw('{"type": "hall.get", "eid": ');
    const reply = await client.waitFor((f) => f.error === 'InvalidJson');
    assert.equal(reply.status, 'error');
    await assertStillServes(client);
    await client.close();
  });

  it('answers a missing eid and wrong envelope types with ValidationError', async () => {
    const client = await TestClient.connect(server.wsUrl);
    client.sendRaw(JSON.stringify({ type: 'cinemas.get_cinemas', data: null }));
    const noEid = await client.waitFor((f) => f.error === 'ValidationError');
    assert.equal(noEid.type, 'cinemas.get_cinemas');
    assert.match(noEid.data.message, /eid/);
    client.sendRaw(JSON.stringify({ type: 42, eid: 'e-type' }));
    const badType = await client.waitFor((f) => f.eid === 'e-type');
    assert.equal(badType.error, 'ValidationError');
    await assertStillServes(client);
    await client.close();
  });

  it('answers an unknown type with UnknownMessageType, echoing type and eid', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const reply = await client.request('hall.explode', {}, 'e-unknown');
    assert.deepEqual([reply.type, reply.eid, reply.status, reply.error], ['hall.explode', 'e-unknown', 'error', 'UnknownMessageType']);
    await client.close();
  });

  it('answers wrong data field types with ValidationError naming the field', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const reply = await client.request('hall.get', { id: 'seven' });
    assert.equal(reply.error, 'ValidationError');
    assert.equal(reply.data.issues[0].path, 'id');
    const missing = await client.request('hall.get', null);
    assert.equal(missing.error, 'ValidationError');
    await assertStillServes(client);
    await client.close();
  });

  it('answers an unknown hall with HallNotFound', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const reply = await client.request('hall.get', { id: 999_999 });
    assert.equal(reply.error, 'HallNotFound');
    await client.close();
  });

  it('refuses writes without a session (Unauthorized) before validating them', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const reply = await client.request('hall.update_seat_status', { hall_id: 1, seat_id: 1, status: 'OCCUPIED' });
    assert.equal(reply.error, 'Unauthorized');
    await client.close();
  });

  it('answers one binary frame with BinaryNotSupported and closes 1003 on the second', async () => {
    const client = await TestClient.connect(server.wsUrl);
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    await client.waitFor((f) => f.error === 'BinaryNotSupported');
    await assertStillServes(client);
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    assert.equal(await client.closed, 1003);
  });

  it('answers one oversized frame with MessageTooLarge and closes 1009 on the second', async () => {
    const client = await TestClient.connect(server.wsUrl);
    const big = JSON.stringify({ type: 'hall.get', eid: 'big', data: { pad: 'x'.repeat(4096) } });
    client.sendRaw(big);
    await client.waitFor((f) => f.error === 'MessageTooLarge');
    await assertStillServes(client);
    client.sendRaw(big);
    assert.equal(await client.closed, 1009);
  });

  it('answers a flood with RateLimitExceeded, closes 4029 if it goes on, and serves others meanwhile', async () => {
    const flooder = await TestClient.connect(server.wsUrl);
    const bystander = await TestClient.connect(server.wsUrl);
    for (let i = 0; i < 30; i++) flooder.sendRaw(JSON.stringify({ type: 'cinemas.get_cinemas', data: null, eid: `f${i}` }));
    await flooder.waitFor((f) => f.error === 'RateLimitExceeded');
    const answered = flooder.frames.filter((f) => f.status === 'success').length;
    assert.ok(answered <= 20, `at most the limit is served in a second, got ${answered}`);
    for (let i = 0; i < 30; i++) flooder.sendRaw(JSON.stringify({ type: 'cinemas.get_cinemas', data: null, eid: `g${i}` }));
    assert.equal(await flooder.closed, 4029);
    await assertStillServes(bystander);
    await bystander.close();
  });
});
