// The sending side of bench/micro/rollover-bytes.ts: a WebSocket server that speaks just
// enough of our protocol for the bench's load processes (hall.subscribe answered with a
// small snapshot) and, on `go`, pushes every hall's rollover snapshot through the server's
// own fan-out (Topic, Connection: one shared frame per hall, one write per socket), one
// hall per event-loop turn as HallStore.publishTurn does. The payload's shape is the
// variant under test (see payloads.ts); `deflate` is the prototype of a shared
// permessage-deflate frame: compressed once per hall, written as is to every socket that
// negotiated deflate without context takeover.
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants, deflateRawSync } from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';
import { OWN_DIALECT, OWN_SUBPROTOCOL } from '../../src/core/protocol/dialect.js';
import { encodeEidTail, encodePushBody } from '../../src/core/protocol/envelope.js';
import { Connection } from '../../src/core/ws/connection.js';
import { Topic } from '../../src/core/ws/topic.js';
import { wallMs } from '../clock.js';
import { rolloverData, type Variant } from './rollover-payloads.js';

export type SenderCommand = { cmd: 'listen'; variant: Variant; seats: number } | { cmd: 'go'; at: number; showingBase: number };
export type SenderReport = { msg: 'hello' } | { msg: 'listening'; port: number } | { msg: 'sent'; cpuMs: number; firstAt: number; lastAt: number; payloadBytes: number; wireBytes: number };

const report = (message: SenderReport) => process.send?.(message);

let variant: Variant = 'full';
let seats = 200;
const topics = new Map<number, Topic>();
/** deflate: per hall, the sockets to write the shared compressed frame to. */
const deflateSockets = new Map<number, { socket: WebSocket; transport: Duplex }[]>();
const traffic = { bytesSent: 0, pushes: 0, slowConsumerCloses: 0 };
const metrics = { traffic, subscriptions: { inc: () => undefined, dec: () => undefined } } as unknown as ConstructorParameters<typeof Connection>[7];
const logger = { isDebugEnabled: () => false } as unknown as ConstructorParameters<typeof Connection>[5];
const limits = { maxBufferedBytes: 64 * 1024 * 1024, maxSubscriptions: 100 };

function listen(): Promise<number> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    path: '/ws',
    handleProtocols: (protocols) => (protocols.has(OWN_SUBPROTOCOL) ? OWN_SUBPROTOCOL : false),
    perMessageDeflate: variant === 'deflate' ? { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 } : false,
  });
  let ids = 0;
  wss.on('connection', (socket) => {
    const transport = (socket as unknown as { _socket: Duplex })._socket;
    const connection = new Connection(String(ids++), socket, '127.0.0.1', null, limits, logger, socket.extensions === '' ? transport : null, metrics, OWN_DIALECT);
    socket.on('message', (raw: Buffer) => {
      const request = JSON.parse(raw.toString()) as { type: string; eid: string; data: { id: number } };
      const hall = request.data.id;
      if (variant === 'deflate') {
        let list = deflateSockets.get(hall);
        if (!list) deflateSockets.set(hall, (list = []));
        list.push({ socket, transport });
      } else {
        let topic = topics.get(hall);
        if (!topic) topics.set(hall, (topic = new Topic(`hall:${hall}`, 'hall.subscribe')));
        topic.add(connection, request.eid);
      }
      // The subscription's first snapshot (setup, not measured): the hall's own map, version 1.
      socket.send(JSON.stringify({ type: 'hall.subscribe', status: 'snapshot', error: null, data: { id: hall, version: 1, showing: null }, eid: request.eid }));
    });
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
}

/** The frame header of one compressed (RSV1) text frame, unmasked. */
function compressedHeader(length: number): Buffer {
  const first = 0x80 | 0x40 | 0x01;
  if (length < 126) return Buffer.from([first, length]);
  if (length < 65_536) return Buffer.from([first, 126, length >> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = 127;
  header.writeUInt32BE(length >>> 0, 6);
  return header;
}

/**
 * One hall's rollover as a shared permessage-deflate frame (RFC 7692): the whole message
 * (body and the hall's one eid tail) deflated once, with a sync flush whose trailing
 * 00 00 ff ff is dropped; valid for every socket that negotiated server_no_context_takeover.
 */
function sendDeflated(hall: number, data: unknown): { payload: number; wire: number } {
  const sockets = deflateSockets.get(hall) ?? [];
  const message = Buffer.concat([encodePushBody('hall.subscribe', 'snapshot', data), encodeEidTail(`hall-${hall}`)]);
  const deflated = deflateRawSync(message, { finishFlush: constants.Z_SYNC_FLUSH });
  const compressed = deflated.subarray(0, deflated.length - 4);
  const frame = Buffer.concat([compressedHeader(compressed.length), compressed]);
  for (const { socket, transport } of sockets) if (socket.readyState === socket.OPEN) transport.write(frame);
  return { payload: message.length * sockets.length, wire: frame.length * sockets.length };
}

async function go(at: number, showingBase: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - wallMs())));
  const cpu = process.cpuUsage();
  const firstAt = wallMs();
  let payloadBytes = 0;
  let wireBytes = 0;
  const halls = variant === 'deflate' ? [...deflateSockets.keys()] : [...topics.keys()];
  for (const hall of halls) {
    const data = rolloverData(variant, hall, showingBase + hall, seats);
    if (variant === 'deflate') {
      const sent = sendDeflated(hall, data);
      payloadBytes += sent.payload;
      wireBytes += sent.wire;
    } else {
      const before = traffic.bytesSent;
      topics.get(hall)?.publish('snapshot', data);
      payloadBytes += traffic.bytesSent - before;
      wireBytes += traffic.bytesSent - before;
    }
    // One hall per turn of the event loop, as HallStore.publishTurn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const lastAt = wallMs();
  const used = process.cpuUsage(cpu);
  report({ msg: 'sent', cpuMs: (used.user + used.system) / 1000, firstAt, lastAt, payloadBytes, wireBytes });
}

process.on('message', (command: SenderCommand) => {
  if (command.cmd === 'listen') {
    variant = command.variant;
    seats = command.seats;
    void listen().then((port) => report({ msg: 'listening', port }));
  } else void go(command.at, command.showingBase);
});
process.on('SIGTERM', () => process.exit(0));
report({ msg: 'hello' });
