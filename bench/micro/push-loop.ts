// The fan-out push loop alone, ours against raw ws's, in one process on the same sockets:
// N subscribers (a child process reading them), then rounds that alternate raw ws's loop
// (`socket.send(frame)` per socket, as bench/baselines/raw-ws-server.ts) and ours
// (Topic.publishPush through Connection.sendFrame, every subscriber on one eid as in the
// bench). The figure is this process's CPU (user + system, process.cpuUsage) from the
// start of a push to a pause after it, per delivery: no database, no heartbeat, no staff
// call, so what differs is the push path alone. Alternating rounds cancel the drift of a
// shared machine; the median per mode is printed.
//   npx tsx bench/micro/push-loop.ts [subscribers=5000] [rounds=20] [pushes per round=10]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../src/core/logger.js';
import { Connection } from '../../src/core/ws/connection.js';
import { Topic } from '../../src/core/ws/topic.js';
import { Push } from '../../src/core/protocol/dialect.js';

const [mode, arg1, arg2] = process.argv.slice(2);

if (mode === 'client') {
  // Child: opens the sockets and reads; reports how many frames it got when asked.
  const url = arg1!;
  const count = Number(arg2);
  let received = 0;
  let open = 0;
  const sockets: WebSocket[] = [];
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.on('open', () => {
        open++;
        resolve();
      });
      socket.on('error', reject);
      socket.on('message', () => received++);
      sockets.push(socket);
    });
  for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, openOne));
  process.send!({ open });
  process.on('message', (message: string) => {
    if (message === 'count') process.send!({ received });
    if (message === 'exit') process.exit(0);
  });
} else {
  const subscribers = Number(mode ?? 5000);
  const rounds = Number(arg1 ?? 20);
  const perRound = Number(arg2 ?? 10);
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  // Connection needs a logger and two metrics only; the bench has no config of its own.
  const logger = createLogger({ log: { level: 'warn', format: 'json' } } as never);
  const metrics = { traffic: { pushes: 0, bytesSent: 0, slowConsumerCloses: 0 }, subscriptions: { inc() {}, dec() {} } };
  const limits = { maxBufferedBytes: 4 * 1024 * 1024, maxSubscriptions: 100 };
  const raw: WebSocket[] = [];
  const topic = new Topic('hall:1', 'hall.subscribe');
  wss.on('connection', (socket, request) => {
    raw.push(socket);
    const connection = new Connection(String(raw.length), socket, '127.0.0.1', null, limits, logger, request.socket, metrics as never);
    topic.add(connection, 'bench');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const child = fork(fileURLToPath(import.meta.url), ['client', `ws://127.0.0.1:${port}/`, String(subscribers)], { execArgv: ['--import', 'tsx'] });
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (reply) => resolve(reply as T));
      if (message) child.send(message);
    });
  const { open } = await ask<{ open: number }>();
  console.log(`${open} subscribers`);

  // The same payload shape as a bench change: a few seats and the seat-type counts.
  const data = { id: 1, version: 0, seats: [{ row: 3, col: 7, status: 'taken' }], seat_types: { standard: 180, vip: 20 } };
  let version = 0;
  const pushRaw = () => {
    const push = { type: 'hall.subscribe', ts: Date.now(), status: 'update', data: { ...data, version: ++version }, error: null, eid: 'bench' };
    const frame = Buffer.from(JSON.stringify(push));
    for (const socket of raw) socket.send(frame);
  };
  const pushOurs = () => topic.publishPush(new Push('hall.subscribe', 'update', { ...data, version: ++version }));
  const modes = [['raw', pushRaw], ['ours', pushOurs]] as const;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const perDelivery: Record<string, number[]> = { raw: [], ours: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, so neither always follows the other's pause.
    for (const [name, push] of round % 2 === 0 ? modes : [modes[1], modes[0]]) {
      await pause(100);
      const before = process.cpuUsage();
      for (let i = 0; i < perRound; i++) {
        push();
        await pause(20);
      }
      const used = process.cpuUsage(before);
      // The pauses' own cost (timers, idle wake-ups) is the same in both modes.
      if (round > 0) perDelivery[name]!.push((used.user + used.system) / (perRound * open));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const { received } = await ask<{ received: number }>('count');
  console.log(`frames received ${received} of ${rounds * 2 * perRound * open}`);
  const r = median(perDelivery.raw!);
  const o = median(perDelivery.ours!);
  console.log(`CPU per delivery, median of ${rounds - 1} rounds: raw ws ${r.toFixed(2)} µs, ours ${o.toFixed(2)} µs, ours / raw ${(o / r).toFixed(2)}x`);
  child.send('exit');
  process.exit(0);
}
