// Baseline 2, what many users would pick instead: Socket.IO (websocket transport only,
// no long-polling) broadcasting each change to a room per hall. Socket.IO encodes a
// room broadcast once and writes it to every member.
//   subscriber: io(url, {query: {hall: N}})  -> 'snapshot' {id, version}, then 'update' pushes
//   idle:       io(url)
//   writer:     io(url, {query: {role: 'writer'}}) emits 'publish' (PublishRequest, ack)
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { HALL_PARAM, type PublishReply, type PublishRequest } from './publish.js';

const versions = new Map<number, number>();

const server = createServer((request, response) => {
  // Socket.IO answers its own path before this listener sees it.
  if (request.url?.startsWith('/socket.io')) return;
  response.writeHead(request.url === '/ready' ? 200 : 404).end();
});
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });

io.on('connection', (socket) => {
  if (socket.handshake.query.role === 'writer') {
    socket.on('publish', (request: PublishRequest, ack: (reply: PublishReply) => void) => {
      const version = (versions.get(request.hall) ?? 0) + 1;
      versions.set(request.hall, version);
      const push = { type: 'hall.subscribe', ts: Date.now(), status: 'update', data: { id: request.hall, version, seats: request.seats, seat_types: request.seat_types }, error: null, eid: 'bench' };
      io.to(`hall:${request.hall}`).emit('update', push);
      ack({ eid: request.eid, status: 'success', data: { id: request.hall, version } });
    });
    return;
  }
  const hall = Number(socket.handshake.query[HALL_PARAM]);
  if (!hall) return;
  void socket.join(`hall:${hall}`);
  socket.emit('snapshot', { type: 'hall.subscribe', status: 'snapshot', data: { id: hall, version: versions.get(hall) ?? 0 } });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
