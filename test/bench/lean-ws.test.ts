// The load processes' WebSocket client (bench/load/lean-ws.ts) measures every scenario's
// receipts: a frame it cut wrongly would count as a gap or a lost push of the server.
// The frame reader is fed the same stream cut at every position; the client talks to a
// real `ws` server (the library our server runs on).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameReader } from '../../bench/load/frame-reader.js';
import { LeanSocket } from '../../bench/load/lean-ws.js';

/** An unmasked server frame. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126) {
    header[0] = (fin ? 0x80 : 0) | opcode;
    header[1] = length < 65_536 ? 126 : 127;
    if (length < 65_536) header.writeUInt16BE(length, 2);
    else header.writeUInt32BE(length, 6);
  }
  return Buffer.concat([header, payload]);
}

const text = (length: number, seed: number) => Buffer.from(Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i + seed) % 26))).join(''));

describe('frame reader', () => {
  const frames: [number, boolean, Buffer][] = [
    [1, true, text(5, 1)],
    [1, true, text(200, 2)],
    [9, true, text(3, 3)],
    [1, false, text(130, 4)],
    [0, true, text(70_000, 5)],
    [1, true, Buffer.alloc(0)],
    [8, true, Buffer.from([0x0f, 0xa8])],
  ];
  const stream = Buffer.concat(frames.map(([opcode, fin, payload]) => serverFrame(opcode, payload, fin)));

  const read = (pieces: Buffer[]) => {
    const got: [number, boolean, Buffer][] = [];
    const reader = new FrameReader(
      (opcode, fin, payload) => got.push([opcode, fin, Buffer.from(payload)]),
      (reason) => assert.fail(reason),
    );
    // Each piece is overwritten after push returns, as the shared read buffer is.
    for (const piece of pieces) {
      const scratch = Buffer.from(piece);
      reader.push(scratch);
      scratch.fill(0xff);
    }
    return got;
  };

  it('gives every frame whole and in order wherever the stream is cut once', () => {
    for (let cut = 0; cut <= stream.length; cut += cut < 600 ? 1 : 997) {
      assert.deepEqual(read([stream.subarray(0, cut), stream.subarray(cut)]), frames, `cut at ${cut}`);
    }
  });

  it('gives every frame whole when the stream comes a few bytes at a time', () => {
    for (const size of [1, 2, 3, 7, 4096]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) pieces.push(stream.subarray(at, at + size));
      assert.deepEqual(read(pieces), frames, `pieces of ${size}`);
    }
  });

  it('refuses a masked frame', () => {
    let error = '';
    const reader = new FrameReader(
      () => assert.fail('no frame expected'),
      (reason) => (error = reason),
    );
    reader.push(Buffer.from([0x81, 0x80 | 1, 0, 0, 0, 0, 0x61]));
    assert.match(error, /masked/);
  });
});

describe('lean WebSocket client against a ws server', () => {
  let http: Server;
  let wss: WebSocketServer;
  let url: string;
  const accepted: { socket: WebSocket; protocol: string; cookie: string | undefined }[] = [];

  before(async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http, path: '/ws', handleProtocols: (protocols) => (protocols.has('seats-sync.v1') ? 'seats-sync.v1' : false) });
    wss.on('connection', (socket, request) => accepted.push({ socket, protocol: socket.protocol, cookie: request.headers.cookie }));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  });
  after(async () => {
    wss.close();
    http.close();
  });

  async function connect(): Promise<{ client: LeanSocket; server: WebSocket; messages: Buffer[] }> {
    const client = new LeanSocket(url, { protocols: ['seats-sync.v1'], headers: { cookie: 'seats_session=abc' } });
    const messages: Buffer[] = [];
    // Views of the shared read buffer: copied, as a listener keeping them must.
    client.on('message', (payload: Buffer) => messages.push(Buffer.from(payload)));
    const connected = once(wss, 'connection');
    await once(client, 'open');
    const [server] = (await connected) as [WebSocket];
    return { client, server, messages };
  }

  const until = async (check: () => boolean, emitter: { once(event: string, listener: () => void): unknown }, event: string) => {
    while (!check()) await new Promise<void>((resolve) => emitter.once(event, resolve));
  };

  it('opens with the subprotocol and headers asked for, and sends masked text the server reads', async () => {
    const { client, server } = await connect();
    const last = accepted.at(-1);
    assert.equal(last?.protocol, 'seats-sync.v1');
    assert.equal(last?.cookie, 'seats_session=abc');
    const sent = ['{"type":"hall.subscribe"}', 'x'.repeat(300), 'y'.repeat(70_000)];
    const got: string[] = [];
    server.on('message', (data) => got.push(String(data)));
    for (const message of sent) client.send(message);
    await until(() => got.length === sent.length, server, 'message');
    assert.deepEqual(got, sent);
    client.terminate();
  });

  it('receives small, large and fragmented messages whole and in order, and answers pings', async () => {
    const { client, server, messages } = await connect();
    const sent = [text(10, 1), text(40_000, 2), text(1_000_000, 3), text(126, 4)];
    for (const message of sent) server.send(message, { binary: false });
    server.send('ab', { fin: false, binary: false });
    server.send('cd', { fin: true, binary: false });
    const pong = once(server, 'pong');
    server.ping(Buffer.from('hb'));
    assert.deepEqual(String((await pong)[0]), 'hb');
    await until(() => messages.length === sent.length + 1, client, 'message');
    assert.deepEqual(messages, [...sent, Buffer.from('abcd')]);
    client.terminate();
  });

  it('reports the close code the server sends', async () => {
    const { client, server } = await connect();
    const closed = once(client, 'close');
    server.close(4008, 'slow consumer');
    assert.deepEqual(await closed, [4008]);
  });

  it('fails a refused handshake without opening', async () => {
    const refused = new LeanSocket(url.replace('/ws', '/other'));
    let opened = false;
    refused.on('open', () => (opened = true));
    const [error] = (await once(refused, 'error')) as [Error];
    assert.match(error.message, /handshake refused: HTTP\/1\.1 400/);
    assert.equal(opened, false);
  });
});
