// What one idle socket costs our server, split into live heap (after a forced GC) and
// the rest of RSS: `node --expose-gc --import tsx bench/connection-memory.ts [sockets] [cookie|guest]`.
// The server runs in this process (so gc() and process.memoryUsage() see it); the sockets
// are opened by a child process. Not part of `npm run bench`: a tool for finding what a
// connection retains (scenario 3), with --heapsnapshot-signal=SIGUSR2 for a snapshot.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { OWN_SUBPROTOCOL } from '../src/core/protocol/dialect.js';
import { enrol } from '../test/support/auth.js';
import { startTestServer } from '../test/support/server.js';

const [role, ...rest] = process.argv.slice(2);

if (role === '--client') {
  // Child: open sockets with concurrency 100, report, then hold them until killed.
  const [url, count, cookie] = rest as [string, string, string];
  const total = Number(count);
  const sockets: WebSocket[] = [];
  let opened = 0;
  const openOne = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, [OWN_SUBPROTOCOL], { headers: cookie ? { cookie } : {} });
      sockets.push(socket);
      socket.once('open', () => {
        opened++;
        resolve();
      });
      socket.once('error', reject);
    });
  const started = performance.now();
  const workers = Array.from({ length: 100 }, async () => {
    while (sockets.length < total) await openOne();
  });
  await Promise.all(workers);
  process.send!({ opened, ms: performance.now() - started });
  setInterval(() => undefined, 1 << 30);
} else {
  const sockets = Number(role ?? 5000);
  const withCookie = (rest[0] ?? 'cookie') === 'cookie';
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const server = await startTestServer({
    env: { LOG_LEVEL: 'warn', WS_MAX_CONNECTIONS: '1000000', WS_MAX_CONNECTIONS_PER_IP: '1000000', WS_MESSAGES_PER_SECOND: '1000000' },
  });
  const user = await enrol(server.url, 'probe');
  const sample = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
  await settle();
  const beforeNoGc = sample();
  gc();
  const before = sample();
  const child = fork(fileURLToPath(import.meta.url), ['--client', server.wsUrl, String(sockets), withCookie ? user.cookie : ''], {
    execArgv: ['--import', 'tsx'],
  });
  const report = await new Promise<{ opened: number; ms: number }>((resolve) => child.once('message', (m) => resolve(m as never)));
  await settle();
  const afterNoGc = sample();
  gc();
  gc();
  const after = sample();
  const perSocket = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(a).map((k) => [k, ((a[k]! - b[k]!) / sockets / 1024).toFixed(2)]));
  console.log(JSON.stringify({
    sockets: report.opened,
    cookie: withCookie,
    acceptPerS: Math.round(report.opened / (report.ms / 1000)),
    kibPerSocketNoGc: perSocket(afterNoGc, beforeNoGc),
    kibPerSocketAfterGc: perSocket(after, before),
  }));
  if (process.env.HOLD) await new Promise((resolve) => setTimeout(resolve, Number(process.env.HOLD)));
  child.kill('SIGKILL');
  await server.close();
  process.exit(0);
}
