// Scenario 8, rollover: every bench hall moves to its next showing at the same instant T,
// with subscribers on all of them and a writer changing seats throughout. Targets (issue
// 19): every subscriber has the new showing's snapshot within 1 s at p99, and no write is
// answered later than 250 ms meanwhile.
import { sleep, wallMs } from '../clock.js';
import type { Commit, MapRef } from '../load/ipc.js';
import type { BenchOptions } from '../options.js';
import { cpuMs } from '../proc-stats.js';
import { percentile } from '../stats.js';
import { SeatsClient } from '../targets/seats-client.js';
import { SHOWING_LEAD_MINUTES } from '../targets/seats-server.js';
import { atMost } from './fanout.js';
import { runLoad } from './load-run.js';
import { loadProblems, type Sample, type ScenarioSpec } from './scenario.js';
import { socketCap, withTarget } from './with-target.js';

const LEAD_MS = SHOWING_LEAD_MINUTES * 60_000;
const HOUR_MS = 3_600_000;
/** The writer starts this long before T and runs this long after it. */
const WRITE_BEFORE_MS = 1_500;
const WRITE_AFTER_MS = 2_500;
/** Writes sent in [T - WINDOW_BEFORE_MS, T + WINDOW_AFTER_MS] are "meanwhile". */
const WINDOW_BEFORE_MS = 1_000;
const WINDOW_AFTER_MS = 2_000;
/**
 * T is set once everything else is ready; before it only the showings are moved (one
 * showing.update per hall, 30-60 ms each on PGlite here, none loads a map or pushes anything;
 * ADMIN_CONCURRENCY at a time, ~11 s for 200 at load average 14). Generous, as the machine
 * is shared: `spareS` reports what was left.
 */
const MOVE_BASE_MS = 3_000;
const MOVE_PER_HALL_MS = 60;
/** Server CPU is read over [T - CPU_BEFORE_MS, T + CPU_AFTER_MS]. */
const CPU_BEFORE_MS = 500;
const CPU_AFTER_MS = 1_500;

export function rolloverScenario(options: BenchOptions, storeLabel: string, profileDir: string | undefined): ScenarioSpec {
  const { sockets, note } = socketCap(options.rolloverSubscribers);
  return {
    id: 'rollover',
    title: `8. Rollover on ${storeLabel}: ${options.halls} halls with ${sockets} subscribers move to their next showing at the same instant, ${options.hallRate} changes/s meanwhile`,
    metrics: [
      { key: 'p50', label: 'T → rollover snapshot p50', unit: 'ms', digits: 0 },
      { key: 'p99', label: 'T → rollover snapshot p99', unit: 'ms', digits: 0 },
      { key: 'max', label: 'T → rollover snapshot max', unit: 'ms', digits: 0 },
      { key: 'replyP99', label: 'writer reply p99 around T', unit: 'ms', digits: 1 },
      { key: 'replyMax', label: 'writer reply max around T', unit: 'ms', digits: 1 },
      { key: 'writes', label: 'changes committed around T', unit: '', digits: 0 },
      { key: 'spareS', label: 'setup time to spare before the writer started', unit: 's', digits: 1 },
      { key: 'cpuPct', label: `server CPU, T − ${CPU_BEFORE_MS / 1000} s to T + ${CPU_AFTER_MS / 1000} s`, unit: '% of a core', digits: 0 },
      // The instrument's share: load processes that take the cores set the pace, not the server.
      { key: 'loaderCpuPct', label: `load processes' CPU, same window (all of them)`, unit: '% of a core', digits: 0 },
    ],
    goals: [
      { text: 'new snapshot p99 ≤ 1 s', check: (m) => atMost(m.get('seats')?.p99, 1_000) },
      { text: 'no write delayed > 250 ms', check: (m) => atMost(m.get('seats')?.replyMax, 250) },
    ],
    notes: [
      `Each hall gets a showing B two hours ahead while its subscribers connect (they see the hall's own map). Once they and the writer are ready, every B is moved to start at T + ${SHOWING_LEAD_MINUTES} min (SHOWING_LEAD_MINUTES), so every hall's current map becomes B at T. Latency runs from T to each subscriber's receipt of the snapshot with reason "rollover" naming B.`,
      "T is read on the bench's wall clock; the server rolls over by the database's clock (DatabaseClock), which on this machine is the same clock.",
      `The writer (4 staff sockets, no showing_id: each change goes to the hall's current map) runs from T − ${WRITE_BEFORE_MS / 1000} s to T + ${WRITE_AFTER_MS / 1000} s; reply figures cover changes sent in [T − ${WINDOW_BEFORE_MS / 1000} s, T + ${WINDOW_AFTER_MS / 1000} s].`,
      'Our server only: the baselines have no showings.',
      ...(note ? [note] : []),
    ],
    measure: (target) =>
      withTarget(target, { cpuProfDir: profileDir }, async (running): Promise<Sample> => {
        if (target.kind !== 'seats') throw new Error('the rollover scenario runs on our server only (bench/run.ts plans it so)');
        const halls = target.halls(options.halls);
        const admin = await SeatsClient.open(running.endpoint.baseUrl, running.endpoint.cookie ?? '');
        const next = new Map<number, number>();
        let scheduled: Promise<[number, number][]> | undefined;
        let boundary = Number.NaN;
        let late = 0;
        const cpu: number[] = [];
        const loaderCpu: number[] = [];
        try {
          const m = await runLoad(running, {
            sockets,
            halls,
            authenticated: false,
            loaders: options.loaders,
            concurrency: 100,
            settleMs: 500,
            writer: { halls, mode: { kind: 'rate', perSecond: options.hallRate }, connections: 4, durationMs: WRITE_BEFORE_MS + WRITE_AFTER_MS, batch: 1 },
            // Scheduled while the subscribers open (it pushes nothing: B is beyond the lead time).
            async beforeOpen() {
              scheduled = scheduleAhead(admin, halls);
              scheduled.catch(() => undefined);
            },
            async beforeWrites(loaderPids): Promise<MapRef[]> {
              for (const [hall, showing] of (await scheduled) ?? []) next.set(hall, showing);
              // Whole milliseconds: the showings' times are ISO instants.
              boundary = Math.round(wallMs() + MOVE_BASE_MS + MOVE_PER_HALL_MS * halls.length + WRITE_BEFORE_MS);
              await moveTo(admin, next, boundary);
              late = wallMs() - (boundary - WRITE_BEFORE_MS);
              for (const at of [boundary - CPU_BEFORE_MS, boundary + CPU_AFTER_MS]) {
                setTimeout(() => {
                  cpu.push(cpuMs(running.pid));
                  loaderCpu.push(loaderPids.reduce((sum, pid) => sum + cpuMs(pid), 0));
                }, at - wallMs());
              }
              await sleep(boundary - WRITE_BEFORE_MS - wallMs());
              return halls.map((hall) => [hall, next.get(hall) ?? null]);
            },
            // Changes to the old map answered well before T reached every subscriber; later
            // ones may have been pushed after the hall moved on. B's are checked by every
            // subscriber reaching B's last version in order (the loaders' `unserved`), the
            // first ones being in the rollover snapshot.
            deliveredToAll: ([hall, , , repliedAt, , showing]) => showing !== next.get(hall) && repliedAt < boundary - 100,
          });
          return { values: figures(m, halls, sockets, next, boundary, late, cpu, loaderCpu), problems: problemsOf(m, halls, sockets, next, late) };
        } finally {
          admin.close();
        }
      }),
  };
}

type Measured = Awaited<ReturnType<typeof runLoad>>;

/** Subscribers per hall: socket i subscribes to halls[i % halls.length]. */
function subscribersOf(halls: number[], sockets: number): Map<number, number> {
  return new Map(halls.map((hall, i) => [hall, Math.floor(sockets / halls.length) + (i < sockets % halls.length ? 1 : 0)]));
}

/** Receipt times (from T) of the rollover snapshots to B, and the count per hall. */
function rolloversToB(m: Measured, next: Map<number, number>, boundary: number): { latency: number[]; perHall: Map<number, number> } {
  const latency: number[] = [];
  const perHall = new Map<number, number>();
  for (const [hall, showing, at] of m.rollovers) {
    if (showing === null || showing !== next.get(hall)) continue;
    latency.push(at - boundary);
    perHall.set(hall, (perHall.get(hall) ?? 0) + 1);
  }
  return { latency, perHall };
}

function figures(m: Measured, halls: number[], sockets: number, next: Map<number, number>, boundary: number, late: number, cpu: number[], loaderCpu: number[]): Record<string, number> {
  const { latency } = rolloversToB(m, next, boundary);
  const replies = m.writes.filter(([, , sentAt]) => sentAt >= boundary - WINDOW_BEFORE_MS && sentAt <= boundary + WINDOW_AFTER_MS).map(replyMs);
  return {
    p50: percentile(latency, 50),
    p99: percentile(latency, 99),
    max: latency.length ? Math.max(...latency) : Number.NaN,
    replyP99: percentile(replies, 99),
    replyMax: replies.length ? Math.max(...replies) : Number.NaN,
    writes: replies.length,
    spareS: -late / 1000,
    cpuPct: cpu.length === 2 ? ((cpu[1]! - cpu[0]!) / (CPU_BEFORE_MS + CPU_AFTER_MS)) * 100 : Number.NaN,
    loaderCpuPct: loaderCpu.length === 2 ? ((loaderCpu[1]! - loaderCpu[0]!) / (CPU_BEFORE_MS + CPU_AFTER_MS)) * 100 : Number.NaN,
  };
}

function problemsOf(m: Measured, halls: number[], sockets: number, next: Map<number, number>, late: number): string[] {
  const problems = loadProblems(m);
  const { perHall } = rolloversToB(m, next, 0);
  let missed = 0;
  let twice = 0;
  for (const [hall, expected] of subscribersOf(halls, sockets)) {
    const got = perHall.get(hall) ?? 0;
    if (got < expected) missed += expected - got;
    else twice += got - expected;
  }
  if (missed > 0) problems.push(`${missed} subscribers never got the rollover snapshot`);
  if (twice > 0) problems.push(`${twice} extra rollover snapshots to the same showing`);
  // Moving the showings overran T: some halls rolled over when moved, not at T.
  if (late > WRITE_BEFORE_MS) problems.push(`moving the showings ran ${((late - WRITE_BEFORE_MS) / 1000).toFixed(1)} s past T: the rollover was not simultaneous (raise MOVE_* in rollover.ts)`);
  return problems;
}

function replyMs([, , sentAt, repliedAt]: Commit): number {
  return repliedAt - sentAt;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * showing.create and showing.update calls in flight at once. Each is a transaction under
 * the hall's lock; 200 at once waited past Prisma's 2 s to start a transaction on a loaded
 * machine (load average 8-10: other benches running), failing the repetition.
 */
const ADMIN_CONCURRENCY = 16;

/** Runs `call` for every item, at most ADMIN_CONCURRENCY at a time; results in the items' order. */
async function inPool<T, R>(items: T[], call: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await call(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: ADMIN_CONCURRENCY }, worker));
  return results;
}

/**
 * For every hall, a showing B two hours ahead: beyond the lead time, so the halls keep
 * showing their own maps. Returns B per hall.
 */
async function scheduleAhead(admin: SeatsClient, halls: number[]): Promise<[number, number][]> {
  const starts = Math.round(wallMs()) + 2 * HOUR_MS;
  return inPool(halls, async (hall): Promise<[number, number]> => {
    const showing = await admin.request<{ id: number }>('showing.create', { hall_id: hall, title: 'Bench next', starts_at: iso(starts), ends_at: iso(starts + HOUR_MS) });
    return [hall, showing.id];
  });
}

/** Moves every B to start one lead time after T, so that T is when each hall's current map becomes B. */
async function moveTo(admin: SeatsClient, next: Map<number, number>, boundary: number): Promise<void> {
  const starts = boundary + LEAD_MS;
  await inPool([...next.values()], (id) => admin.request('showing.update', { id, starts_at: iso(starts), ends_at: iso(starts + HOUR_MS) }));
}
