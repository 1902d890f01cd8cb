// Cold starts of one or more server bundles, interleaved, each timed from outside (spawn to
// /ready, to the first hall snapshot) and from inside (SEATS_START_TRACE=1: the main
// thread's time on a CPU, queued for one, and idle, per start-up phase; src/core/start-trace.ts).
// The store is prepared once (the bench's: demo data, an admin session, bench halls) and kept
// in the given folder across runs, so repeated comparisons start from the same data.
//
//   npx tsx bench/start-timeline.ts --dir /tmp/timeline --reps 5 [--trace] dist/server.js other/server.js
//
// Each entry runs as `node <flags> <entry>`: scripts/start.mjs as `npm start` runs it, or a
// bundle with the flags start.mjs sets (a variant is "flags... entry", one argument). Per start: wall ms to /ready and to the snapshot, and the process's CPU ms (all
// threads) and main thread's run / queued ms at the snapshot.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ReceiptLedger } from './load/version-track.js';
import { openSubscriber } from './load/subscriber.js';
import { cpuMs } from './proc-stats.js';
import { freePort } from './targets/ports.js';
import { SeatsClient } from './targets/seats-client.js';
import { prepareSeats, type SeatsFixture } from './targets/seats-target.js';
import { pgliteStore } from './targets/seats-store.js';
import { repoRoot, spawnNode, stopChild } from './targets/spawn-node.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: '/tmp/seats-start-timeline' }, reps: { type: 'string', default: '3' }, trace: { type: 'boolean', default: false }, halls: { type: 'string', default: '200' }, kinds: { type: 'string', default: 'existing,new' } },
});
const bundles = positionals.length > 0 ? positionals : ['scripts/start.mjs'];
const workDir = resolve(values.dir);
mkdirSync(workDir, { recursive: true });

async function fixture(): Promise<SeatsFixture> {
  const saved = join(workDir, 'fixture.json');
  const store = pgliteStore(workDir);
  if (existsSync(saved)) return { store, ...(JSON.parse(readFileSync(saved, 'utf8')) as Omit<SeatsFixture, 'store'>) };
  const prepared = await prepareSeats(store, Number(values.halls));
  writeFileSync(saved, JSON.stringify({ secrets: prepared.secrets, cookie: prepared.cookie, benchHalls: prepared.benchHalls }));
  return prepared;
}

/** The main thread's ms on a CPU and queued for one. */
function schedstat(pid: number): { run: number; queued: number } {
  const [run = '0', queued = '0'] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ');
  return { run: Number(run) / 1e6, queued: Number(queued) / 1e6 };
}

/** Every thread's name and ms on a CPU so far, summed by name. */
function threads(pid: number): string {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const run = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      const key = tid === String(pid) ? 'main' : name;
      byName.set(key, (byName.get(key) ?? 0) + run);
    } catch {
      // the thread ended
    }
  }
  return [...byName].map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ');
}

interface Sample {
  readyMs: number;
  snapshotMs: number;
  cpuMs: number;
  mainRunMs: number;
  mainQueuedMs: number;
}

async function once(bundle: string, fresh: boolean, fx: SeatsFixture): Promise<Sample> {
  const dir = mkdtempSync(join(workDir, 'run-'));
  if (!fresh) cpSync(join(workDir, 'template'), dir, { recursive: true });
  const port = await freePort();
  const started = performance.now();
  // "flags... bundle": extra node flags for this variant.
  const words = bundle.split(' ');
  const child = spawnNode(words.at(-1)!, {
    typescript: false,
    nodeArgs: words.slice(0, -1),
    output: 'pipe',
    env: {
      DATA_DIR: dir,
      ...fx.secrets,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      SHUTDOWN_DRAIN_MS: '0',
      SEATS_START_TRACE: '1',
    },
  });
  let trace = '';
  child.stderr!.on('data', (chunk: Buffer) => (trace += chunk.toString()));
  child.stdout!.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited: ${trace}`);
      const ok = await fetch(`${baseUrl}/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = performance.now() - started;
    const client = await SeatsClient.open(baseUrl, fx.cookie);
    const cinemas = await client.request<{ halls: { id: number }[] }[]>('cinemas.get_cinemas', null);
    client.close();
    await openSubscriber({ kind: 'seats', baseUrl, cookie: fx.cookie }, cinemas[0]!.halls[0]!.id, new ReceiptLedger());
    const snapshotMs = performance.now() - started;
    const main = schedstat(child.pid!);
    const sample = { readyMs, snapshotMs, cpuMs: cpuMs(child.pid!), mainRunMs: main.run, mainQueuedMs: main.queued };
    if (values.trace) {
      console.log(trace.split('\n').filter((l) => l.startsWith('start-trace')).join('\n'));
      console.log(`threads (ms on a CPU): ${threads(child.pid!)}`);
    }
    return sample;
  } finally {
    await stopChild(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fx = await fixture();
const kinds = values.kinds.split(',').map((k) => k === 'new');
const results = new Map<string, Sample[]>();
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const fresh of kinds) {
    // Alternate the order so neither bundle always goes first.
    const order = rep % 2 === 0 ? bundles : [...bundles].reverse();
    for (const bundle of order) {
      const key = `${bundle} ${fresh ? 'new' : 'existing'}`;
      const sample = await once(bundle, fresh, fx);
      console.log(`${key} rep ${rep + 1}: ready ${sample.readyMs.toFixed(0)} snapshot ${sample.snapshotMs.toFixed(0)} cpu ${sample.cpuMs.toFixed(0)} main run ${sample.mainRunMs.toFixed(0)} queued ${sample.mainQueuedMs.toFixed(0)} (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
      results.set(key, [...(results.get(key) ?? []), sample]);
    }
  }
}
console.log('\nmedians: ready / snapshot / process cpu / main run / main queued / main idle (snapshot - run - queued)');
for (const [key, samples] of results) {
  const m = (f: (s: Sample) => number) => median(samples.map(f)).toFixed(0).padStart(5);
  console.log(`${key.padEnd(40)} ${m((s) => s.readyMs)} ${m((s) => s.snapshotMs)} ${m((s) => s.cpuMs)} ${m((s) => s.mainRunMs)} ${m((s) => s.mainQueuedMs)} ${m((s) => s.snapshotMs - s.mainRunMs - s.mainQueuedMs)}`);
}
void repoRoot;
