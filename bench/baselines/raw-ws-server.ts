// Baseline 1, the practical limit on this machine: a bare `ws` server that sends one
// pre-serialised frame to every socket of a hall. No protocol, auth or database; the
// only work per change is one JSON.stringify, then the same Buffer to each socket.
//   subscriber: ws://host:PORT/?hall=N  (gets {"status":"snapshot","data":{id,version}})
//   idle:       ws://host:PORT/
//   writer:     ws://host:PORT/publish  (sends PublishRequest, gets PublishReply)
import { createServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { HALL_PARAM, type PublishReply, type PublishRequest } from './publish.js';

const halls = new Map<number, Set<WebSocket>>();
const versions = new Map<number, number>();

const server = createServer((request, response) => {
  response.writeHead(request.url === '/ready' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (socket, request) => {
  socket.on('error', () => socket.terminate());
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/publish') {
    socket.on('message', (data) => publish(socket, data));
    return;
  }
  const hall = Number(url.searchParams.get(HALL_PARAM));
  if (!hall) return;
  let members = halls.get(hall);
  if (!members) halls.set(hall, (members = new Set()));
  members.add(socket);
  socket.on('close', () => members.delete(socket));
  socket.send(JSON.stringify({ type: 'hall.subscribe', status: 'snapshot', data: { id: hall, version: versions.get(hall) ?? 0 } }));
});

function publish(writer: WebSocket, data: RawData): void {
  const request = JSON.parse(data.toString()) as PublishRequest;
  const version = (versions.get(request.hall) ?? 0) + 1;
  versions.set(request.hall, version);
  const push = { type: 'hall.subscribe', ts: Date.now(), status: 'update', data: { id: request.hall, version, seats: request.seats, seat_types: request.seat_types }, error: null, eid: 'bench' };
  const frame = Buffer.from(JSON.stringify(push));
  for (const socket of halls.get(request.hall) ?? []) socket.send(frame);
  const reply: PublishReply = { eid: request.eid, status: 'success', data: { id: request.hall, version } };
  writer.send(JSON.stringify(reply));
}

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
