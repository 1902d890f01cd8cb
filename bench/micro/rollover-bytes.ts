// How the rollover's cost scales with the bytes of its push, without a database: a sender
// (rollover-sender.ts: the server's own Topic/Connection fan-out, one hall per event-loop
// turn) pushes one rollover snapshot per subscriber to the bench's real load processes
// (bench/load/loader.ts, the same receipt code as scenario 8), for each payload variant
// of rollover-payloads.ts, interleaved per repetition. Reports, per variant (medians):
// bytes per push, T -> receipt p50/p99/max, the sender's CPU per push and the load
// processes' CPU per push. CPU is the figure to trust on a shared machine; the latency is
// what the same CPU gave on this machine at that moment.
//   npx tsx bench/micro/rollover-bytes.ts [--subscribers 10000] [--halls 200] [--seats 200] [--reps 3] [--loaders 2] [--variants full,deflate,statuses,compact]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sleep, wallMs } from '../clock.js';
import type { LoaderCommand, LoaderReport } from '../load/ipc.js';
import { cpuMs } from '../proc-stats.js';
import { ChildLink } from '../scenarios/child-link.js';
import { percentile } from '../stats.js';
import type { SenderCommand, SenderReport } from './rollover-sender.js';
import { VARIANTS, type Variant } from './rollover-payloads.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    halls: { type: 'string', default: '200' },
    seats: { type: 'string', default: '200' },
    reps: { type: 'string', default: '3' },
    loaders: { type: 'string', default: '2' },
    variants: { type: 'string', default: VARIANTS.join(',') },
  },
});
const subscribers = Number(values.subscribers);
const hallCount = Number(values.halls);
const seats = Number(values.seats);
const loaderCount = Number(values.loaders);
const variants = values.variants.split(',') as Variant[];
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}`);

/** The push goes out this long after the last socket is served, once the machine settles. */
const LEAD_MS = 1_000;
const FINISH_TIMEOUT_MS = 60_000;

interface Figures {
  pushBytes: number;
  wireBytes: number;
  p50: number;
  p99: number;
  max: number;
  sendMs: number;
  senderUsPerPush: number;
  /** The sender's CPU in its publishing loop alone (serialising, compressing, writing). */
  loopUsPerPush: number;
  loaderUsPerPush: number;
  received: number;
}

async function once(variant: Variant): Promise<Figures> {
  const sender = await ChildLink.start<SenderCommand, SenderReport>('bench/micro/rollover-sender.ts');
  const loaders = await Promise.all(Array.from({ length: loaderCount }, () => ChildLink.start<LoaderCommand, LoaderReport>('bench/load/loader.ts')));
  try {
    const { port } = await sender.ask({ cmd: 'listen', variant, seats }, 'listening');
    const halls = Array.from({ length: hallCount }, (_, i) => i + 1);
    const socketHalls = Array.from({ length: subscribers }, (_, i) => halls[i % hallCount] as number);
    const endpoints = [{ kind: 'seats' as const, baseUrl: `http://127.0.0.1:${port}` }];
    const opened = await Promise.all(
      loaders.map((loader, l) => {
        const mine = socketHalls.filter((_, i) => i % loaderCount === l);
        return loader.ask({ cmd: 'open', endpoints, halls: mine, instances: mine.map(() => 0), concurrency: 100, deflate: variant === 'deflate' }, 'opened');
      }),
    );
    const failed = opened.reduce((n, o) => n + o.failed, 0);
    if (failed > 0) throw new Error(`${failed} sockets failed: ${opened.flatMap((o) => o.failures).join('; ')}`);
    // For a profiler attached from outside (perf record -p): the load processes, once open.
    if (process.env.ROLLOVER_PIDS_FILE) writeFileSync(process.env.ROLLOVER_PIDS_FILE, `${sender.pid} ${loaders.map((l) => l.pid).join(' ')}\n`);
    const showingBase = 100_000;
    const at = Math.round(wallMs() + LEAD_MS);
    const cpuBefore = { sender: 0, loaders: 0 };
    const sent = sender.ask({ cmd: 'go', at, showingBase }, 'sent');
    await sleep(at - wallMs() - 20);
    cpuBefore.sender = cpuMs(sender.pid);
    cpuBefore.loaders = loaders.reduce((n, l) => n + cpuMs(l.pid), 0);
    const maps = halls.map((hall): [number, number] => [hall, showingBase + hall]);
    const results = await Promise.all(loaders.map((loader) => loader.ask({ cmd: 'finish', finals: [], maps, timeoutMs: FINISH_TIMEOUT_MS }, 'result')));
    const senderCpu = cpuMs(sender.pid) - cpuBefore.sender;
    const loaderCpu = loaders.reduce((n, l) => n + cpuMs(l.pid), 0) - cpuBefore.loaders;
    const done = await sent;
    const latency = results.flatMap((r) => r.rollovers.filter(([hall, showing]) => showing === showingBase + hall).map(([, , receivedAt]) => receivedAt - at));
    if (latency.length !== subscribers) throw new Error(`${variant}: ${latency.length} of ${subscribers} subscribers got the push`);
    return {
      pushBytes: done.payloadBytes / subscribers,
      wireBytes: done.wireBytes / subscribers,
      p50: percentile(latency, 50),
      p99: percentile(latency, 99),
      max: Math.max(...latency),
      sendMs: done.lastAt - at,
      senderUsPerPush: (senderCpu * 1000) / subscribers,
      loopUsPerPush: (done.cpuMs * 1000) / subscribers,
      loaderUsPerPush: (loaderCpu * 1000) / subscribers,
      received: latency.length,
    };
  } finally {
    await Promise.all([sender, ...loaders].map((child) => child.stop()));
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const runs = new Map<Variant, Figures[]>(variants.map((v) => [v, []]));
console.log(`rollover bytes: ${subscribers} subscribers over ${hallCount} halls of ${seats} seats, ${loaderCount} load processes, ${values.reps} repetitions`);
for (let rep = 1; rep <= Number(values.reps); rep++) {
  for (const variant of variants) {
    const f = await once(variant);
    runs.get(variant)?.push(f);
    console.log(
      `  rep ${rep} ${variant}: ${f.wireBytes.toFixed(0)} B/push on the wire, p50 ${f.p50.toFixed(0)} p99 ${f.p99.toFixed(0)} max ${f.max.toFixed(0)} ms, sent in ${f.sendMs.toFixed(0)} ms, sender ${f.senderUsPerPush.toFixed(1)} µs/push (publishing loop ${f.loopUsPerPush.toFixed(1)}), loaders ${f.loaderUsPerPush.toFixed(1)} µs/push`,
    );
  }
}
console.log('\n| variant | message B | wire B | p50 ms | p99 ms | max ms | last write ms | sender CPU µs/push | of it publishing loop | loaders CPU µs/push |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [variant, fs] of runs) {
  const m = (key: keyof Figures) => median(fs.map((f) => f[key]));
  console.log(
    `| ${variant} | ${m('pushBytes').toFixed(0)} | ${m('wireBytes').toFixed(0)} | ${m('p50').toFixed(0)} | ${m('p99').toFixed(0)} | ${m('max').toFixed(0)} | ${m('sendMs').toFixed(0)} | ${m('senderUsPerPush').toFixed(1)} | ${m('loopUsPerPush').toFixed(1)} | ${m('loaderUsPerPush').toFixed(1)} |`,
  );
}
