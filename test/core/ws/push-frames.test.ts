// Pushes are written as [frame header, body shared by every subscriber, eid tail]: each
// socket still gets one well-formed text frame that carries its own subscription's eid,
// whatever the eid's length and with or without compression.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Writable } from 'node:stream';
import * as wsModule from 'ws';
import WebSocket from 'ws';
import { OWN_SUBPROTOCOL } from '../../../src/core/protocol/dialect.js';
import { textFrameHeader } from '../../../src/core/ws/frame.js';
import { userWithRole } from '../../support/auth.js';
import { firstHall, flipped, type HallSnapshot } from '../../support/halls.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { TestClient, type Frame } from '../../support/ws-client.js';

// ws's frame parser: exported at runtime, not declared by @types/ws.
const { Receiver } = wsModule as unknown as { Receiver: new (options: { isServer: boolean }) => Writable };

describe('text frame header', () => {
  // 125/126 and 65535/65536 are where RFC 6455 switches to a 16- and a 64-bit length.
  for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_001]) {
    it(`is read back by ws as one ${length}-byte text message`, async () => {
      const payload = Buffer.alloc(length, 'a');
      const receiver = new Receiver({ isServer: false });
      const message = new Promise<{ data: Buffer; isBinary: boolean }>((resolve, reject) => {
        receiver.on('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
        receiver.on('error', reject);
      });
      receiver.write(Buffer.concat([textFrameHeader(length), payload]));
      const { data, isBinary } = await message;
      assert.equal(isBinary, false);
      assert.ok(data.equals(payload));
    });
  }
});

async function flipOne(server: TestServer, name: string): Promise<{ writer: TestClient; hall: HallSnapshot; flip: () => Promise<number> }> {
  const staff = await userWithRole(server.url, server.server.database.prisma, name, 'staff');
  const writer = await TestClient.connect(server.wsUrl, { cookie: staff.cookie });
  const hall = await firstHall(writer);
  let next = 0;
  const flip = async () => {
    const seat = hall.seats[next++ % hall.seats.length]!;
    seat.status = flipped(seat.status);
    const reply = await writer.call('hall.update_seat_status', { hall_id: hall.id, seat_id: seat.id, status: seat.status });
    return reply.version as number;
  };
  return { writer, hall, flip };
}

const updatesOf = (client: TestClient, eid: string): Frame[] => client.pushes(eid, 'update');

describe('shared push frames', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('gives every subscription its own eid in the same update, sockets sharing an eid or not', async () => {
    const { writer, hall, flip } = await flipOne(server, 'frames_staff');
    // Eids of different lengths (tails sharing a header and not), one eid on two sockets,
    // two subscriptions of one socket, and an eid long enough to need a 16-bit length.
    const long = `long-${'é'.repeat(60)}-"quoted"`;
    const subscriptions: [TestClient, string][] = [];
    for (const eid of ['a', 'shared', 'shared', long, 'bb', 'a-much-longer-eid']) {
      const client = await TestClient.connect(server.wsUrl);
      await client.call('hall.subscribe', { id: hall.id }, eid);
      subscriptions.push([client, eid]);
    }
    const [first] = subscriptions[0]!;
    await first.call('hall.subscribe', { id: hall.id }, 'second-on-a');
    subscriptions.push([first, 'second-on-a']);

    const versions = [await flip(), await flip(), await flip()];
    for (const [client, eid] of subscriptions) await client.waitForVersion(eid, versions.at(-1)!);

    const reference = updatesOf(...subscriptions[0]!).map(({ eid: _eid, ...rest }) => rest);
    assert.deepEqual(reference.map((f) => f.data.version), versions);
    for (const [client, eid] of subscriptions) {
      const updates = updatesOf(client, eid);
      assert.ok(updates.every((f) => f.eid === eid), `every push to ${eid} carries ${eid}`);
      assert.deepEqual(updates.map(({ eid: _eid, ...rest }) => rest), reference, `${eid} got the same updates`);
    }
    // Nothing addressed to one subscription leaked into another socket.
    const eids = new Set(subscriptions.map(([, eid]) => eid));
    for (const [client] of subscriptions) assert.ok(client.frames.every((f) => eids.has(f.eid)));
    await Promise.all([writer, ...new Set(subscriptions.map(([client]) => client))].map((c) => c.close()));
  });

  it('sends a frame shared by one eid in each socket\'s own dialect, and stops sharing when only one subscriber is left', async () => {
    const { writer, hall, flip } = await flipOne(server, 'frames_dialects');
    // The original client subscribes every socket with one eid; here two of its sockets,
    // two of ours, one of each with another eid, and two of ours sharing a second eid, all
    // on one hall.
    const sockets = await Promise.all(
      (['original', 'original', 'own', 'own', 'original', 'own', 'own', 'own'] as const).map((dialect) => TestClient.connect(server.wsUrl, { dialect })),
    );
    const eids = ['same', 'same', 'same', 'same', 'alone-original', 'alone-own', 'pair', 'pair'];
    await Promise.all(sockets.map((client, i) => client.call('hall.subscribe', { id: hall.id }, eids[i])));
    const shared = await flip();
    for (const [i, client] of sockets.entries()) await client.waitForVersion(eids[i]!, shared);
    const last = (i: number) => updatesOf(sockets[i]!, eids[i]!).at(-1)!;
    assert.deepEqual(last(1), last(0), 'the two original-dialect sockets got the same frame');
    assert.deepEqual(last(3), last(2), 'the two own-dialect sockets got the same frame');
    assert.notDeepEqual({ ...last(0), eid: 'x' }, { ...last(2), eid: 'x' }, 'each dialect its own body');
    assert.deepEqual({ ...last(4), eid: 'same' }, last(0));
    assert.deepEqual({ ...last(5), eid: 'same' }, last(2));
    assert.deepEqual(last(7), last(6));
    assert.deepEqual({ ...last(6), eid: 'same' }, last(2), 'the second shared eid got its own frame');
    assert.equal(last(6).eid, 'pair');
    // One of the own-dialect "same" subscribers leaves: the other is alone with that eid.
    await sockets[3]!.call('hall.unsubscribe', { id: hall.id }, 'same');
    const alone = await flip();
    await sockets[2]!.waitForVersion('same', alone);
    await sockets[0]!.waitForVersion('same', alone);
    assert.equal(last(2).eid, 'same');
    assert.equal(last(2).data.version, alone);
    assert.ok(updatesOf(sockets[3]!, 'same').every((f) => f.data.version !== alone), 'nothing after unsubscribing');
    await Promise.all([writer, ...sockets].map((c) => c.close()));
  });

  it('interleaves pushes with replies on one socket without corrupting either', async () => {
    const { writer, hall, flip } = await flipOne(server, 'frames_mixed');
    const client = await TestClient.connect(server.wsUrl);
    await client.call('hall.subscribe', { id: hall.id }, 'mixed');
    const writes = Array.from({ length: 10 }, () => flip());
    const reads = Array.from({ length: 10 }, (_, i) => client.call('hall.get', { id: hall.id }, `get-${i}`));
    const [versions, snapshots] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    assert.ok(snapshots.every((s) => s.id === hall.id));
    await client.waitForVersion('mixed', Math.max(...versions));
    const seen = updatesOf(client, 'mixed').map((f) => f.data.version);
    assert.deepEqual(seen, [...versions].sort((a, b) => a - b));
    await Promise.all([writer.close(), client.close()]);
  });
});

describe('shared push frames with permessage-deflate', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { WS_PER_MESSAGE_DEFLATE: 'true' } });
  });
  after(() => server.close());

  it('compresses pushes for a client that negotiated it, and not for one that did not', async () => {
    const { writer, hall, flip } = await flipOne(server, 'frames_deflate');
    const compressed = new WebSocket(server.wsUrl, [OWN_SUBPROTOCOL], { perMessageDeflate: true });
    await new Promise((resolve) => compressed.once('open', resolve));
    assert.match(compressed.extensions, /permessage-deflate/);
    // A second compressing socket with the same eid: the frame built once for both is sent
    // through `ws`'s compression, not written raw.
    const compressedToo = new WebSocket(server.wsUrl, [OWN_SUBPROTOCOL], { perMessageDeflate: true });
    await new Promise((resolve) => compressedToo.once('open', resolve));
    const plain = new WebSocket(server.wsUrl, [OWN_SUBPROTOCOL], { perMessageDeflate: false });
    await new Promise((resolve) => plain.once('open', resolve));
    assert.equal(plain.extensions, '');
    const received = new Map<WebSocket, Frame[]>([[compressed, []], [compressedToo, []], [plain, []]]);
    for (const [socket, frames] of received) {
      socket.on('message', (data, isBinary) => {
        if (!isBinary) frames.push(JSON.parse(data.toString()) as Frame);
      });
    }
    const until = async (check: () => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    compressed.send(JSON.stringify({ type: 'hall.subscribe', data: { id: hall.id }, eid: 'z' }));
    compressedToo.send(JSON.stringify({ type: 'hall.subscribe', data: { id: hall.id }, eid: 'z' }));
    plain.send(JSON.stringify({ type: 'hall.subscribe', data: { id: hall.id }, eid: 'p' }));
    await until(() => [...received.values()].every((frames) => frames.some((f) => f.status === 'snapshot')));
    const version = await flip();
    const updateOf = (socket: WebSocket) => received.get(socket)!.find((f) => f.status === 'update' && f.data.version === version);
    await until(() => updateOf(compressed) !== undefined && updateOf(compressedToo) !== undefined && updateOf(plain) !== undefined);
    assert.equal(updateOf(compressed)!.eid, 'z');
    assert.deepEqual(updateOf(compressedToo), updateOf(compressed));
    assert.equal(updateOf(plain)!.eid, 'p');
    assert.deepEqual({ ...updateOf(compressed), eid: 'p' }, updateOf(plain));
    compressed.close();
    compressedToo.close();
    plain.close();
    await writer.close();
  });
});
